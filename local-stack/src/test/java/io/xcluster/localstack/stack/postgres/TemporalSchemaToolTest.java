package io.xcluster.localstack.stack.postgres;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemporalSchemaToolTest {

  /** configuration.md is the reference for every setting the code reads. */
  @Test
  void theVariablesThatFindTheSchemaToolAndItsFilesHaveTheirRowsInTheConfigurationReference()
      throws Exception {
    List<String> rows =
        Files.readAllLines(Path.of("..", "docs", "configuration.md")).stream()
            .filter(line -> line.startsWith("| `"))
            .toList();

    for (String variable :
        List.of(
            TemporalSchemaTool.SCHEMA_SETTING, TemporalSchemaTool.BINARY.environmentVariable())) {
      assertTrue(
          rows.stream().anyMatch(row -> row.startsWith("| `" + variable + "` |")),
          variable + " has no row in docs/configuration.md");
    }
  }
}
