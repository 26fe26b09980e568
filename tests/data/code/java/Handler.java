import java.io.File;
import java.io.FileInputStream;
import java.io.ObjectInputStream;
import java.net.URL;
import java.security.MessageDigest;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.Random;
import java.util.logging.Logger;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.naming.directory.DirContext;
import javax.xml.xpath.XPath;
import com.amazonaws.services.lambda.runtime.Context;

public class Handler {
    private static final Logger LOG = Logger.getLogger("h");
    private static final String AWS_KEY = "AKIAQ3EGRRTUVWXYZ234"; // expect: CWE-798
    private static final String DB_PASSWORD = "Tr0ub4dor&3-horse-staple"; // expect: CWE-798
    private static final String GREETING = "hello there general kenobi"; // safe: CWE-798

    private String wrap(String v) {
        String out = "'" + v + "'";
        return out;
    }

    public String handleRequest(Map<String, Object> event, Context context) throws Exception {
        String name = (String) event.get("name");
        String cmd = "ls " + name;
        Runtime.getRuntime().exec(cmd); // expect: CWE-78
        Runtime.getRuntime().exec(new String[] {"ls", "/tmp"}); // safe: CWE-78
        Connection conn = null;
        Statement st = conn.createStatement();
        String where = wrap(name);
        st.executeQuery("SELECT * FROM t WHERE n = " + where); // expect: CWE-89
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM t WHERE n = ?"); // safe: CWE-89
        ps.setString(1, name);
        st.executeQuery("SELECT count(*) FROM t"); // safe: CWE-89
        new File("/data/" + name); // expect: CWE-22
        new File("/data/fixed.txt"); // safe: CWE-22
        new URL(name).openStream(); // expect: CWE-918
        new URL("https://api.example.com/x").openStream(); // safe: CWE-918
        LOG.info("user " + name); // expect: CWE-117
        LOG.info("user count"); // safe: CWE-117
        return "ok";
    }

    public void doGet(HttpServletRequest request, HttpServletResponse response) throws Exception {
        String q = request.getParameter("q");
        String sql = "SELECT * FROM users WHERE name = '" + q + "'";
        Connection conn = null;
        Statement st = conn.createStatement();
        st.execute(sql); // expect: CWE-89
        response.getWriter().println("<p>" + q + "</p>"); // expect: CWE-79
        response.getWriter().println("<p>fixed</p>"); // safe: CWE-79
        response.sendRedirect(q); // expect: CWE-601
        response.sendRedirect("/home"); // safe: CWE-601
        ObjectInputStream in = new ObjectInputStream(request.getInputStream()); // expect: CWE-502
        ObjectInputStream local = new ObjectInputStream(new FileInputStream("/etc/app/state.bin")); // safe: CWE-502
        DirContext ctx = null;
        ctx.search("dc=example,dc=com", "(uid=" + q + ")", null); // expect: CWE-90
        ctx.search("dc=example,dc=com", "(uid=admin)", null); // safe: CWE-90
        XPath xpath = null;
        xpath.evaluate("//user[@name='" + q + "']", null); // expect: CWE-643
        xpath.evaluate("//user", null); // safe: CWE-643
        Cookie c = new Cookie("sid", "v");
        c.setSecure(false); // expect: CWE-614
        c.setSecure(true); // safe: CWE-614
        String password = request.getParameter("password");
        LOG.info("password " + password); // expect: CWE-532
        LOG.info("login ok"); // safe: CWE-532
    }

    public void crypto(byte[] key, byte[] data) throws Exception {
        MessageDigest.getInstance("MD5"); // expect: CWE-327
        MessageDigest.getInstance("SHA-256"); // safe: CWE-327
        Cipher.getInstance("DES/CBC/PKCS5Padding"); // expect: CWE-327
        Cipher.getInstance("AES/ECB/PKCS5Padding"); // expect: CWE-327
        Cipher.getInstance("AES/GCM/NoPadding"); // safe: CWE-327
        new IvParameterSpec("0123456789abcdef".getBytes()); // expect: CWE-329
        byte[] iv = new byte[16];
        new java.security.SecureRandom().nextBytes(iv);
        new IvParameterSpec(iv); // safe: CWE-329
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(1024); // expect: CWE-326
        kpg.initialize(3072); // safe: CWE-326
        Random rnd = new Random();
        String sessionToken = Long.toString(rnd.nextLong()); // expect: CWE-330
        int delay = rnd.nextInt(10); // safe: CWE-330
        new URL("http://api.partner.com/items"); // expect: CWE-319
        new URL("https://api.partner.com/items"); // safe: CWE-319
    }
}
