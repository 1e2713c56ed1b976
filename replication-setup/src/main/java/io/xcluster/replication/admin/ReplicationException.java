package io.xcluster.replication.admin;

/** Something a cluster refused or could not do, in one line that names what was wrong. */
public final class ReplicationException extends RuntimeException {

  /** What kind of trouble, which decides the CLI's exit code. */
  public enum Kind {
    /** The request itself is wrong (unknown cluster, retention too short): exit 2. */
    INVALID,
    /** A cluster said no (namespace exists, standby rejects the write): exit 1. */
    REJECTED,
    /** A cluster did not answer: exit 3. */
    UNREACHABLE
  }

  private final Kind kind;

  public ReplicationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ReplicationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
