namespace Hearth.Protocol.Rest;

public sealed record MembershipView(string Org, string User, bool Added, IReadOnlyList<string> Members);
