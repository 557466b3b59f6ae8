namespace Hearth.Cli.Commands;

/// <summary>The submitted jobs of one benchmark phase, each with the time just before its submission was sent.</summary>
internal sealed record SubmittedJobs(long[] Ids, DateTimeOffset[] Submitted);
