namespace Hearth.Core.Frames;

/// <summary>The order an agenda's frames are handed out in.</summary>
public enum FrameOrder
{
    Ascending,
    Descending,

    /// <summary>First, last, middle, then the middles of each half: a preview of the whole shot early.</summary>
    Binary,
}
