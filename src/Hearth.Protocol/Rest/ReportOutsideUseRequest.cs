namespace Hearth.Protocol.Rest;

/// <summary>Body of <c>POST /v1/resources/{resource}/outside-use</c>: how many of a license are in use outside the farm.</summary>
public sealed record ReportOutsideUseRequest(int? InUse);
