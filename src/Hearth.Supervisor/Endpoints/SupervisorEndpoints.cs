namespace Hearth.Supervisor.Endpoints;

/// <summary>Where the supervisor listens, known once Kestrel has bound its ports.</summary>
public sealed class SupervisorEndpoints
{
    public int ApiPort { get; internal set; }

    public int WorkerPort { get; internal set; }
}
