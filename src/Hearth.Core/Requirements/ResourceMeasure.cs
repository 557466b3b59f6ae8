namespace Hearth.Core.Requirements;

/// <summary>Which count of a resource an expression reads.</summary>
public enum ResourceMeasure
{
    Free,
    Total,
    Used,
}
