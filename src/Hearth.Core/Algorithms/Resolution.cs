namespace Hearth.Core.Algorithms;

/// <summary>Either a resolved build or a refusal saying why not.</summary>
public sealed record Resolution(ResolvedBuild? Build, Refusal? Refusal)
{
    public static Resolution Of(ResolvedBuild build) => new(build, null);

    public static Resolution Refused(Refusal refusal) => new(null, refusal);
}
