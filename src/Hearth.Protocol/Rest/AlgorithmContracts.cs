namespace Hearth.Protocol.Rest;

/// <summary><c>POST /v1/accounts</c>: <paramref name="Kind"/> is <c>user</c> (the default) or <c>org</c>.</summary>
public sealed record CreateAccountRequest(string? Name, string? Kind);

public sealed record AccountView(string Name, string Kind, DateTimeOffset CreatedAt);

public sealed record AccountListView(IReadOnlyList<AccountView> Accounts);

/// <summary><c>POST /v1/orgs/{org}/members</c>.</summary>
public sealed record AddMemberRequest(string? User);

public sealed record MembershipView(string Org, string User, bool Added, IReadOnlyList<string> Members);

/// <summary>A new API key: the only time the key itself is shown.</summary>
public sealed record KeyCreatedView(string Key, string Id, string Account);

/// <summary>An account's key as listed: never the key itself, which is shown only when it is created.</summary>
public sealed record KeyView(string Id, string Account, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary><c>GET /v1/accounts/{name}/keys</c>.</summary>
public sealed record KeyListView(IReadOnlyList<KeyView> Keys);

/// <summary>What <c>algo push</c> stored.</summary>
public sealed record PushView(string Hash, string Algorithm, bool Created, string Source, long Size);

/// <summary><c>POST /v1/algorithms/{owner}/{name}/versions</c>: <paramref name="Visibility"/> is <c>public</c> or <c>private</c>.</summary>
public sealed record PublishRequest(string? Hash, string? Version, string? Visibility);

public sealed record VersionView(string Version, string Hash, string Visibility, DateTimeOffset PublishedAt);

public sealed record BuildView(string Hash, string Source, DateTimeOffset PushedAt, long Size, IReadOnlyList<string> Versions);

/// <summary>An algorithm's versions, and for members its builds too.</summary>
public sealed record AlgorithmVersionsView(string Algorithm, IReadOnlyList<VersionView> Versions, IReadOnlyList<BuildView> Builds);

/// <summary>One algorithm instance.</summary>
public sealed record InstanceItemView(
    string Id, string Account, string Algorithm, string Hash, string? Version, string? Worker, string State, bool Reserved,
    DateTimeOffset LastUsed, DateTimeOffset CreatedAt, long CallsServed, string? Isolation = null);

public sealed record InstanceListView(IReadOnlyList<InstanceItemView> Instances);
