namespace Hearth.Supervisor.Data;

/// <summary>One page of a directory, as the data API answers it: folders and files by name, and where the next page starts.</summary>
internal sealed record DataListing(IReadOnlyList<string> Folders, IReadOnlyList<DataListedFile> Files, string? Marker, IReadOnlyList<string>? Acl);

/// <summary>A file in a listing.</summary>
internal sealed record DataListedFile(string Name, DateTimeOffset LastModified, long Size);
