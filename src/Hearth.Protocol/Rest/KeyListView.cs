namespace Hearth.Protocol.Rest;

/// <summary><c>GET /v1/accounts/{name}/keys</c>.</summary>
public sealed record KeyListView(IReadOnlyList<KeyView> Keys);
