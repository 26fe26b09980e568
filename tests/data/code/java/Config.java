import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import javax.net.ssl.HttpsURLConnection;
import javax.script.ScriptEngine;
import javax.xml.parsers.DocumentBuilder;
import com.auth0.jwt.JWT;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import javax.servlet.http.HttpServletRequest;

public class Config {
    public void handle(HttpServletRequest request, ScriptEngine engine, DocumentBuilder db,
                       HttpsURLConnection conn) throws Exception {
        String expr = request.getParameter("expr");
        String code = "var x = " + expr;
        engine.eval(code); // expect: CWE-94
        engine.eval("1 + 1"); // safe: CWE-94
        db.parse(request.getInputStream()); // expect: CWE-611
        db.parse("/etc/app/config.xml"); // safe: CWE-611
        conn.setHostnameVerifier((h, s) -> true); // expect: CWE-295
        conn.setHostnameVerifier(HttpsURLConnection.getDefaultHostnameVerifier()); // safe: CWE-295
        PutObjectRequest.builder().bucket("b").key("k").build(); // expect: CWE-311
        PutObjectRequest.builder().bucket("b").key("k").serverSideEncryption("aws:kms").build(); // safe: CWE-311
        new InetSocketAddress("0.0.0.0", 8080); // expect: CWE-605
        new InetSocketAddress("127.0.0.1", 8080); // safe: CWE-605
        Path p = Paths.get("/tmp/x");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx")); // expect: CWE-732
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------")); // safe: CWE-732
        JWT.decode(request.getHeader("Authorization")); // expect: CWE-347
        JWT.require(null).build().verify(request.getHeader("Authorization")); // safe: CWE-347
        Paths.get("/data", request.getParameter("f")); // expect: CWE-22
        Paths.get("/data", "fixed"); // safe: CWE-22
    }
}
