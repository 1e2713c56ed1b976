#!/usr/bin/env bash
# The full fault matrix: every fault row, every transport, on both stacks (start-dev, then the
# production-like PostgreSQL/mTLS stack), then docs/reliability.md generated from exactly these
# records and naming this run (the NATS cluster's node faults, NatsClusterFaultIT, and the WAN's
# partitions, RegionsApartFaultIT, the per-destination limits, DestinationLimitsOnRealServersIT,
# runs that vanish while followed, VanishedRemoteRunIT, and a forced failover of eu-west's
# replicated namespace, ForcedFailoverIT, every transport and bridge mode, on 1 and on 4 history
# shards, included). About 140 minutes on 2 cores; .ci/run runs one row per fault class and
# transport per stack instead (see docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/sbin"
tools="$(scripts/install-tools.sh nats nats-cluster temporal temporal-server postgres toxiproxy)"
export XCLUSTER_TEMPORAL="$(echo "$tools" | sed -n 's/^TEMPORAL=//p')"
export XCLUSTER_NATS_SERVER="$(echo "$tools" | sed -n 's/^NATS_SERVER=//p')"
export XCLUSTER_NATS_CLUSTER_SERVER="$(echo "$tools" | sed -n 's/^NATS_CLUSTER_SERVER=//p')"
export XCLUSTER_TEMPORAL_SERVER="$(echo "$tools" | sed -n 's/^TEMPORAL_SERVER=//p')"
export XCLUSTER_POSTGRES_BIN="$(echo "$tools" | sed -n 's/^POSTGRES_BIN=//p')"
export XCLUSTER_TEMPORAL_SQL_TOOL="$(echo "$tools" | sed -n 's/^TEMPORAL_SQL_TOOL=//p')"
export XCLUSTER_TOXIPROXY="$(echo "$tools" | sed -n 's/^TOXIPROXY=//p')"
export XCLUSTER_REQUIRE_TOOLS=true

rm -rf local-stack/target/reliability
started="$(date -u +%Y-%m-%dT%H:%MZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
faults='*FaultIT,ReplicationIT,DestinationLimitsOnRealServersIT,VanishedRemoteRunIT,ForcedFailoverIT'
echo "== start-dev stack: every fault row"
./mvnw -B -ntp verify -Preal-stack -pl local-stack -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$faults" -Dit.failIfNoSpecifiedTests=false
echo "== production-like stack: every fault row, and the bridge's heartbeat-mode kit (.ci/run runs its callback-mode kit)"
./mvnw -B -ntp verify -Preal-stack -pl local-stack -am -Dxcluster.stack=postgres -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='*FaultIT,DestinationLimitsOnRealServersIT,BridgeContractOnRealServersIT' -Dit.failIfNoSpecifiedTests=false
echo "== the forced failover again with 4 history shards on both eu-west servers (stack replicated-4-shards)"
./mvnw -B -ntp verify -Preal-stack -pl local-stack -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ForcedFailoverIT -Dit.failIfNoSpecifiedTests=false -Dxcluster.failover.shards=4
java -jar local-stack/target/local-stack.jar reliability-report --to docs/reliability.md \
  --run "scripts/reliability-matrix.sh at commit $commit, started $started (full matrix, both stacks)"
