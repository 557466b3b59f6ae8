namespace Hearth.Protocol.Rest;

/// <summary>A subjob's captured output, latest attempt, or an agenda item's.</summary>
public sealed record SubjobLogView(int Id, int Attempt, string Stdout, string Stderr)
{
    /// <summary>For an agenda job's frame: the item whose output this is; the attempt is then the item's.</summary>
    public string? Item { get; init; }
}
