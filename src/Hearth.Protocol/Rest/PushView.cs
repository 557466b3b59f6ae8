namespace Hearth.Protocol.Rest;

/// <summary>What <c>algo push</c> stored.</summary>
public sealed record PushView(string Hash, string Algorithm, bool Created, string Source, long Size);
