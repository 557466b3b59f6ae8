namespace Hearth.Protocol.Rest;

/// <summary>
/// Total, used and free of one resource, on one host or across the cluster. <c>used</c> is what the farm's work
/// holds; <c>outside</c> is a license's use outside the farm, as last reported. Free is never negative.
/// </summary>
public sealed record ResourceUsageView(string Resource, int Total, int Used, int Free, int Outside = 0);
