namespace Hearth.Protocol.Rest;

public sealed record AccountListView(IReadOnlyList<AccountView> Accounts);
