namespace Hearth.Protocol.Rest;

public sealed record SubmitJobResponse(long Id);
