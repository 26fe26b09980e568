// tests/version/OracleMaven.java - Maven's ComparableVersion (Debian
// libmaven3-core-java, maven-artifact jar) as a differential-test oracle:
// reads "A<TAB>B" lines, prints -1, 0 or 1 (Maven accepts every string).
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class OracleMaven {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            int t = line.indexOf('\t');
            if (t < 0) {
                out.write("error\n");
                continue;
            }
            int r = new ComparableVersion(line.substring(0, t)).compareTo(new ComparableVersion(line.substring(t + 1)));
            out.write(r < 0 ? "-1\n" : r > 0 ? "1\n" : "0\n");
        }
        out.flush();
    }
}
