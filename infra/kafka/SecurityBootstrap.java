// Creates the SCRAM users and ALLOW ACLs of infra/kafka/acls.conf on a SASL_SSL broker, as `admin`.
// Idempotent: credentials are upserted, existing ACLs are left as they are. One JVM for all of it
// (kafka-configs + kafka-acls would start one per resource). Run as a single-file source program:
//   java -cp "<kafka libs>/*" SecurityBootstrap.java <admin-client.properties> <acls.conf> <secrets-dir>
// <secrets-dir>/<user>.password holds each user's password.
import java.nio.file.*;
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.acl.*;
import org.apache.kafka.common.resource.*;

public class SecurityBootstrap {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) throw new IllegalArgumentException("usage: SecurityBootstrap <admin-client.properties> <acls.conf> <secrets-dir>");
    Properties props = new Properties();
    try (var in = Files.newInputStream(Path.of(args[0]))) { props.load(in); }
    List<AclBinding> acls = new ArrayList<>();
    Set<String> users = new TreeSet<>();
    for (String raw : Files.readAllLines(Path.of(args[1]))) {
      String line = raw.replaceAll("#.*", "").trim();
      if (line.isEmpty()) continue;
      String[] f = line.split("\\s+");
      if (f.length != 5) throw new IllegalArgumentException("acls.conf: expected 5 fields in: " + raw);
      users.add(f[0]);
      ResourceType type = switch (f[2]) { case "topic" -> ResourceType.TOPIC; case "group" -> ResourceType.GROUP; case "cluster" -> ResourceType.CLUSTER;
        default -> throw new IllegalArgumentException("acls.conf: unknown resource " + f[2]); };
      PatternType pattern = switch (f[3]) { case "literal" -> PatternType.LITERAL; case "prefixed" -> PatternType.PREFIXED;
        default -> throw new IllegalArgumentException("acls.conf: unknown pattern " + f[3]); };
      for (String op : f[1].split(",")) {
        acls.add(new AclBinding(new ResourcePattern(type, f[4], pattern),
          new AccessControlEntry("User:" + f[0], "*", AclOperation.fromString(op), AclPermissionType.ALLOW)));
      }
    }
    try (Admin admin = Admin.create(props)) {
      List<UserScramCredentialAlteration> creds = new ArrayList<>();
      for (String user : users) {
        String password = Files.readString(Path.of(args[2], user + ".password")).trim();
        creds.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
      }
      admin.alterUserScramCredentials(creds).all().get();
      admin.createAcls(acls).all().get();
      System.out.printf("kafka security: %d SCRAM users (%s), %d ACLs%n", users.size(), String.join(", ", users), acls.size());
    }
  }
}
