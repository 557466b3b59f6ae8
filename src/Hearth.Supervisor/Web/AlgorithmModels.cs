using Hearth.Protocol.Rest;

namespace Hearth.Supervisor.Web;

/// <summary>An algorithm in the list: its builds, newest versions, warm instances and calls since the supervisor started.</summary>
public sealed record AlgorithmRow(string Algorithm, int Builds, string? LatestPublic, string? LatestPrivate, int Instances, long Calls, long Errors, DateTimeOffset CreatedAt);

/// <summary>A published version of an algorithm, with the calls and errors of its build.</summary>
public sealed record VersionRow(string Version, string Visibility, string Hash, DateTimeOffset PublishedAt, long Calls, long Errors);

/// <summary>A build of an algorithm: where its hash came from, its archive, its entry command and the versions it was published as.</summary>
public sealed record BuildRow(string Hash, string Source, long Size, string Entrypoint, string Reservations, bool HasBuildStep,
    DateTimeOffset PushedAt, IReadOnlyList<string> Versions, long Calls, long Errors);

/// <summary>One algorithm's page.</summary>
public sealed record AlgorithmModel(
    string Algorithm, DateTimeOffset CreatedAt, IReadOnlyList<VersionRow> Versions, IReadOnlyList<BuildRow> Builds,
    IReadOnlyList<InstanceRow> Instances, IReadOnlyList<ReservationView> Reservations);
