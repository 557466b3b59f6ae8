namespace Hearth.Supervisor.Storage;

/// <summary><paramref name="Member"/> belongs to the organization <paramref name="Org"/>.</summary>
public sealed record MembershipRecord(string Org, string Member);
