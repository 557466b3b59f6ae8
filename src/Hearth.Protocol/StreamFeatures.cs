namespace Hearth.Protocol;

/// <summary>
/// What a supervisor's end of the worker stream understands beyond the first version, named in a response header so
/// a newer worker keeps talking to an older supervisor in the older way.
/// </summary>
public static class StreamFeatures
{
    /// <summary>The response header listing the features, separated by commas.</summary>
    public const string Header = "hearth-stream-features";

    /// <summary>The supervisor reads <c>CallResults</c>, several call results in one worker message.</summary>
    public const string CallResultBatches = "call-result-batches";
}
