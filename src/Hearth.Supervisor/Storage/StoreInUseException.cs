namespace Hearth.Supervisor.Storage;

/// <summary>Another supervisor holds the store; two writing at once would each work from state the other is changing.</summary>
public sealed class StoreInUseException(string message) : Exception(message);
