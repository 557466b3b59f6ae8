namespace Hearth.Protocol.Rest;

/// <summary>What a client or a worker needs to know before talking to the supervisor.</summary>
public sealed record ClusterInfoView(string Version, int WorkerPort, int HeartbeatTimeoutMs, int ApiPort);
