namespace Hearth.Protocol.Rest;

public sealed record BuildView(string Hash, string Source, DateTimeOffset PushedAt, long Size, IReadOnlyList<string> Versions);
