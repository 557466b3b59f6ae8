using System.Diagnostics.Metrics;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The algorithm side's instruments, exported in Prometheus format on <c>/metrics</c>: calls by status, cold
/// starts, warm hits, spillovers, queue waits, and latency histograms in seconds.
/// </summary>
internal sealed class AlgorithmMetrics : IDisposable
{
    public const string MeterName = "Hearth.Algorithms";

    private static readonly double[] LatencyBuckets =
        [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _coldStarts;
    private readonly Counter<long> _warmHits;
    private readonly Counter<long> _spillovers;
    private readonly Counter<long> _queueWaits;
    private readonly Counter<long> _instanceStarts;
    private readonly Counter<long> _instanceStops;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _loadTime;
    private readonly Histogram<double> _coldStartStep;

    public AlgorithmMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _calls = _meter.CreateCounter<long>("hearth.algorithm.calls", description: "Algorithm calls answered, by status");
        _coldStarts = _meter.CreateCounter<long>("hearth.algorithm.cold_starts", description: "Calls that waited for an instance to start");
        _warmHits = _meter.CreateCounter<long>("hearth.algorithm.warm_hits", description: "Calls that found an idle warm instance");
        _spillovers = _meter.CreateCounter<long>("hearth.algorithm.spillovers", description: "Calls that found every instance of their account and build busy and started another");
        _queueWaits = _meter.CreateCounter<long>("hearth.algorithm.queue_waits", description: "Calls that waited in the queue for an instance");
        _instanceStarts = _meter.CreateCounter<long>("hearth.algorithm.instance_starts", description: "Instances asked to start");
        _instanceStops = _meter.CreateCounter<long>("hearth.algorithm.instance_stops", description: "Instances stopped or lost, by cause");
        _callDuration = _meter.CreateHistogram("hearth.algorithm.call_duration", unit: "s",
            description: "Call latency through the supervisor, from request to reply, by start kind",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _queueWait = _meter.CreateHistogram("hearth.algorithm.queue_wait", unit: "s",
            description: "Time calls spent waiting for an instance",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _loadTime = _meter.CreateHistogram("hearth.algorithm.instance_load", unit: "s",
            description: "Cold start time of instances: build fetch, process start and load",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _coldStartStep = _meter.CreateHistogram("hearth.algorithm.cold_start_step", unit: "s",
            description: "Cold start time of instances by step: fetch, unpack, sandbox, start, load",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    }

    /// <summary>Calls and errors per build, since the supervisor started.</summary>
    public BuildCallCounts Builds { get; } = new();

    public void Call(CallStatus status, bool coldStart, TimeSpan duration)
    {
        _calls.Add(1, new KeyValuePair<string, object?>("status", StatusName(status)));
        _callDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("start", coldStart ? "cold" : "warm"));
        if (coldStart)
        {
            _coldStarts.Add(1);
        }
    }

    public void WarmHit() => _warmHits.Add(1);

    public void Spillover() => _spillovers.Add(1);

    public void QueueWait(TimeSpan waited)
    {
        _queueWaits.Add(1);
        _queueWait.Record(waited.TotalSeconds);
    }

    public void InstanceStarted(int count) => _instanceStarts.Add(count);

    public void InstanceLoaded(TimeSpan loadTime, ColdStartBreakdown? breakdown = null)
    {
        _loadTime.Record(loadTime.TotalSeconds);
        foreach (var (step, time) in breakdown?.Steps ?? [])
        {
            _coldStartStep.Record(time.TotalSeconds, new KeyValuePair<string, object?>("step", step));
        }
    }

    public void InstanceStopped(string cause) => _instanceStops.Add(1, new KeyValuePair<string, object?>("cause", cause));

    public static string StatusName(CallStatus status) => status switch
    {
        CallStatus.Ok => "ok",
        CallStatus.AlgorithmError => "algorithm_error",
        CallStatus.InstanceFailed => "instance_failed",
        CallStatus.TimedOut => "timed_out",
        CallStatus.NoCapacity => "no_capacity",
        CallStatus.OverQuota => "over_quota",
        _ => "unavailable",
    };

    public void Dispose() => _meter.Dispose();
}
