namespace Hearth.Protocol;

/// <summary>
/// Sizes on the worker stream. A call's request (10 MiB of input, a third more as base64) and its result travel as
/// single messages, so the limit sits well above both; a result too big for it is refused by the worker with a clear
/// error rather than breaking the stream.
/// </summary>
public static class StreamLimits
{
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>The largest response line an instance may send back; the rest of a message is its envelope.</summary>
    public const int MaxResultBytes = 60 * 1024 * 1024;
}
