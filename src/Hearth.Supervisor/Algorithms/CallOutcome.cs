using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>A finished call: its status, the algorithm's response or a message, and what the reply's metadata needs.</summary>
internal sealed record CallOutcome(CallStatus Status, PipeResponse? Response, string? Message, bool ColdStart, TimeSpan Duration, string? InstanceId)
{
    /// <summary>The build that served the call: the one asked for, or a previous one a rolling reservation kept warm.</summary>
    public InstanceTemplate? Served { get; init; }

    /// <summary>What the instance printed on stdout while serving the call, when the call asked for it.</summary>
    public string? Stdout { get; init; }

    /// <summary>Where the cold start went, for the call that waited for it.</summary>
    public ColdStartBreakdown? Breakdown { get; init; }

    public int HttpStatus => Status switch
    {
        CallStatus.Ok => 200,
        // As Algorithmia answers: the platform did its job, and the body carries the algorithm's error.
        CallStatus.AlgorithmError => 200,
        CallStatus.InstanceFailed => 502,
        CallStatus.TimedOut => 504,
        CallStatus.OverQuota => 429,
        _ => 503,
    };
}
