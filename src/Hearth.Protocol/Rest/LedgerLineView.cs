namespace Hearth.Protocol.Rest;

/// <summary>One resource on one host (<paramref name="Host"/> null for a global resource).</summary>
public sealed record LedgerLineView(string? Host, string Resource, int Total, int Used, int Allocated);
