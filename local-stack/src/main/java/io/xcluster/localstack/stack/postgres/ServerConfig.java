package io.xcluster.localstack.stack.postgres;

import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.tls.TestCertificates;
import java.nio.file.Path;

/**
 * The static configuration of one production-like cluster, in the shape of the server's own {@code
 * config/development-postgres12.yaml} (v1.29.1), keys checked against its {@code
 * common/config/config.go}. The frontend's TLS ({@code global.tls.frontend.server}) requires a
 * client certificate signed by the stack's CA; the server's own system workers connect to the
 * frontend with the stack's client certificate ({@code global.tls.systemWorker}). Traffic between
 * the services of one server stays on loopback in plaintext.
 */
final class ServerConfig {

  private ServerConfig() {}

  static String yaml(
      String name,
      String database,
      String postgres,
      int frontend,
      int metrics,
      TestCertificates pki,
      Path dynamicConfig) {
    String sql =
        "{pluginName: "
            + TemporalSchemaTool.PLUGIN
            + ", databaseName: %s, connectAddr: \""
            + postgres
            + "\", connectProtocol: tcp,"
            + " user: "
            + LocalPostgres.ROLE
            + ", password: \"\", maxConns: %d, maxIdleConns: %d, maxConnLifetime: 1h}";
    String ca = quoted(pki.caCert());
    return """
        log: {stdout: true, level: warn}
        persistence:
          defaultStore: postgres-default
          visibilityStore: postgres-visibility
          numHistoryShards: %d
          datastores:
            postgres-default:
              sql: %s
            postgres-visibility:
              sql: %s
        global:
          membership: {maxJoinDuration: 30s, broadcastAddress: "127.0.0.1"}
          metrics:
            prometheus: {framework: tally, timerType: histogram, listenAddress: "127.0.0.1:%d"}
          tls:
            frontend:
              server:
                certFile: %s
                keyFile: %s
                clientCaFiles: [%s]
                requireClientAuth: true
              client:
                serverName: localhost
                rootCaFiles: [%s]
            systemWorker:
              certFile: %s
              keyFile: %s
              client:
                serverName: localhost
                rootCaFiles: [%s]
        services:
          frontend: {rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true, httpPort: %d}}
          history: {rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}}
          matching: {rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}}
          worker: {rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}}
        clusterMetadata:
          enableGlobalNamespace: false
          failoverVersionIncrement: 10
          masterClusterName: %s
          currentClusterName: %s
          clusterInformation:
            %s: {enabled: true, initialFailoverVersion: 1, rpcName: frontend, rpcAddress: "127.0.0.1:%d"}
        dcRedirectionPolicy: {policy: noop}
        archival: {history: {state: disabled}, visibility: {state: disabled}}
        namespaceDefaults: {archival: {history: {state: disabled}, visibility: {state: disabled}}}
        dynamicConfigClient: {filepath: %s, pollInterval: 10s}
        """
        .formatted(
            TemporalPostgresServer.HISTORY_SHARDS,
            sql.formatted(database, 20, 20),
            sql.formatted(database + "_visibility", 5, 5),
            metrics,
            quoted(pki.serverCert()),
            quoted(pki.serverKey()),
            ca,
            ca,
            quoted(pki.clientCert()),
            quoted(pki.clientKey()),
            ca,
            frontend,
            MembershipPorts.free(),
            LoopbackPorts.free(),
            LoopbackPorts.free(),
            MembershipPorts.free(),
            LoopbackPorts.free(),
            MembershipPorts.free(),
            LoopbackPorts.free(),
            MembershipPorts.free(),
            name,
            name,
            name,
            frontend,
            quoted(dynamicConfig));
  }

  private static String quoted(Path file) {
    return "\"" + file.toAbsolutePath() + "\"";
  }
}
