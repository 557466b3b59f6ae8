namespace Hearth.Core.Algorithms;

/// <summary>Who may call a published version.</summary>
public enum Visibility
{
    Public,
    Private,
}
