namespace Hearth.Supervisor.Algorithms;

/// <summary>A call's answer, ready to write: the status, the body and its media type, and when a refused caller may try again.</summary>
internal sealed record CallReply(int Status, byte[] Body, string ContentType = "application/json")
{
    /// <summary>Seconds for a <c>Retry-After</c> header; set on the 503s a caller can simply retry.</summary>
    public int? RetryAfterSeconds { get; init; }
}
