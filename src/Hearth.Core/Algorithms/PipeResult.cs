namespace Hearth.Core.Algorithms;

/// <summary>
/// A result. <paramref name="Result"/> is the raw JSON value exactly as the algorithm wrote it; for
/// <see cref="PayloadType.Binary"/> it is a base64 JSON string.
/// </summary>
public sealed record PipeResult(PayloadType ContentType, ReadOnlyMemory<byte> Result) : PipeResponse;
