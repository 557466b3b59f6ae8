using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Jobs;

/// <summary>
/// Whose jobs a request acts on. An admin key sees and does everything; an account key submits as its account and
/// sees only jobs submitted by that account or by an organization it is a member of (as Slurm shows users their
/// own jobs and operators all of them). A job it may not see is answered as not found, so its existence is not given away.
/// </summary>
public sealed record JobAccess
{
    /// <summary>How a job submitted with an admin key is shown.</summary>
    public const string AdminSubmitter = "admin";

    private JobAccess(string? account, IReadOnlySet<string>? visible)
    {
        Account = account;
        Visible = visible;
    }

    /// <summary>An admin key: every job, and its own submissions are recorded as the admin's.</summary>
    public static JobAccess Admin { get; } = new(null, null);

    /// <summary>The account a submission is recorded under; null for an admin key.</summary>
    public string? Account { get; }

    /// <summary>The submitters whose jobs are visible; null when every job is.</summary>
    public IReadOnlySet<string>? Visible { get; }

    /// <summary>An account key: its account and the organizations it belongs to.</summary>
    public static JobAccess For(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new(caller.Account, caller.MemberOf);
    }

    /// <summary>Whether a job submitted by <paramref name="submittedBy"/> (null for an admin key) is visible.</summary>
    public bool Sees(string? submittedBy) => Visible is null || (submittedBy is not null && Visible.Contains(submittedBy));

    /// <summary>The submitter as views show it.</summary>
    public static string Show(string? submittedBy) => submittedBy ?? AdminSubmitter;
}
