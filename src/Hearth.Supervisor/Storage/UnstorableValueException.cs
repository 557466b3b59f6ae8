namespace Hearth.Supervisor.Storage;

/// <summary>
/// A value that some backend would refuse (a NUL, which PostgreSQL text cannot hold, or a lone UTF-16 surrogate,
/// which is not text): refused the same way on every backend, before the statement is sent, so nothing of its batch
/// is written and no backend keeps what another would not.
/// </summary>
public sealed class UnstorableValueException(string message) : ArgumentException(message);
