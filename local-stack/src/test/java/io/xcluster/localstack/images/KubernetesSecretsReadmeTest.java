package io.xcluster.localstack.images;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/k8s/README.md's steps create every Secret the manifests mount, with their keys. */
class KubernetesSecretsReadmeTest {

  private static final Path K8S = Path.of("..", "deploy", "k8s");
  private static final Pattern MOUNTED = Pattern.compile("(?m)^\\s+secretName: (\\S+)");
  private static final Pattern KEY_REF =
      Pattern.compile("(?m)^\\s+name: (xcluster-\\S+)\\s*\\n\\s+key: (\\S+)");

  @Test
  void theReadmeCreatesEverySecretTheManifestsMountWithTheKeysTheyRead() throws IOException {
    Map<String, Set<String>> needed = new TreeMap<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path manifest :
          files
              .filter(file -> file.toString().endsWith(".yaml"))
              .filter(file -> !file.toString().endsWith(".example.yaml"))
              .toList()) {
        String text = Files.readString(manifest);
        Matcher mounted = MOUNTED.matcher(text);
        while (mounted.find()) {
          needed.computeIfAbsent(mounted.group(1), name -> new TreeSet<>());
        }
        Matcher keyRef = KEY_REF.matcher(text);
        while (keyRef.find()) {
          needed.computeIfAbsent(keyRef.group(1), name -> new TreeSet<>()).add(keyRef.group(2));
        }
      }
    }
    // a mounted Secret's files are the keys its example holds (what the manifests' paths name)
    String example = Files.readString(K8S.resolve("secrets.example.yaml"));
    for (String document : example.split("\n---\n")) {
      Matcher name = Pattern.compile("(?m)^  name: (\\S+)").matcher(document);
      if (name.find() && needed.containsKey(name.group(1))) {
        Matcher key =
            Pattern.compile("(?m)^  ([A-Za-z0-9._-]+): \"")
                .matcher(document.substring(document.indexOf("stringData:")));
        while (key.find()) {
          needed.get(name.group(1)).add(key.group(1));
        }
      }
    }
    String readme = Files.readString(K8S.resolve("README.md"));
    assertFalse(needed.isEmpty(), "no Secret found in the manifests");

    for (Map.Entry<String, Set<String>> secret : needed.entrySet()) {
      int at = readme.indexOf("create secret generic " + secret.getKey() + " ");
      assertTrue(at >= 0, "README.md never creates " + secret.getKey());
      int end = readme.indexOf("\n   kubectl", at + 1);
      end = end < 0 || readme.indexOf("```", at) < end ? readme.indexOf("```", at) : end;
      String command = readme.substring(at, end);
      for (String key : secret.getValue()) {
        assertTrue(
            command.contains("--from-file=" + key + "=")
                || command.contains("--from-literal=" + key + "="),
            "README.md creates " + secret.getKey() + " without the key " + key + ": " + command);
      }
    }
  }
}
