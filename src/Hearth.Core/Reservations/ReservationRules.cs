using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>
/// SPEC section 5's validation of a reservation, shared by the admin API, the CLI's error output and the admin page's
/// field-level messages. Every failure is one <see cref="FieldError"/> naming the field and the reason; all of them
/// are reported at once so a form can mark every bad field.
/// </summary>
public static class ReservationRules
{
    /// <summary>Checks the fields' form alone: what needs no catalog. <paramref name="parts"/> is set when they all pass.</summary>
    public static IReadOnlyList<FieldError> CheckForm(ReservationRequest request, DateTimeOffset now, out ReservationParts? parts)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<FieldError>();
        parts = null;

        var user = request.CallingUser?.Trim();
        if (string.IsNullOrEmpty(user))
        {
            errors.Add(new FieldError(ReservationFields.CallingUser, "calling_user is required: the account whose calls the instances serve"));
        }
        else if (Names.Why(user, "calling_user") is { } why)
        {
            errors.Add(new FieldError(ReservationFields.CallingUser, why));
        }

        var typeText = request.VersionType?.Trim();
        VersionType? type = null;
        if (string.IsNullOrEmpty(typeText))
        {
            errors.Add(new FieldError(ReservationFields.VersionType, $"version_type is required: one of {VersionTypes.Choices}"));
        }
        else if (VersionTypes.TryParse(typeText, out var parsedType))
        {
            type = parsedType;
        }
        else
        {
            errors.Add(new FieldError(ReservationFields.VersionType, $"version_type \"{typeText}\" is not one of {VersionTypes.Choices}"));
        }

        var (algorithm, version) = CheckAlgorithm(request.Algorithm?.Trim(), type, errors);

        var count = InstanceCount.Parse(request.Count, "count", out var countError);
        if (countError is not null)
        {
            errors.Add(new FieldError(ReservationFields.Count, countError));
        }

        var schedule = ReservationSchedule.Create(request.Schedule, request.TimeZone, now, errors);
        var scheduleOk = schedule is not null || (request.Schedule is not { Count: > 0 } && !errors.Any(e => e.Field == ReservationFields.TimeZone));
        if (errors.Count == 0 && algorithm is { } name && type is { } t && count is { } n && scheduleOk)
        {
            parts = new ReservationParts(user!, name, t, version, n, schedule);
        }

        return errors;
    }

    /// <summary>
    /// Checks a request in full: its form, then the catalog (the calling user, the algorithm and the version exist, and
    /// the calling user may reach that version), then that no other reservation keeps the same thing warm.
    /// </summary>
    public static ReservationCheck Check(
        ReservationRequest request, string id, IReservationCatalog catalog, IEnumerable<ReservationDefinition> existing, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(existing);
        var errors = CheckForm(request, now, out var parts).ToList();
        var user = request.CallingUser?.Trim();

        // Whether the account exists is independent of the other fields, so it is reported even beside their errors.
        var unknownUser = user is not null && Names.IsValid(user) && catalog.FindAccount(user) is null;
        if (unknownUser)
        {
            errors.Add(new FieldError(ReservationFields.CallingUser, ReservationTargets.UnknownAccount(user!)));
        }

        if (parts is null || unknownUser)
        {
            if (parts is not null && ReservationTargets.CheckExists(parts.Algorithm, parts.VersionType, parts.Version, catalog) is { } missing)
            {
                errors.Add(missing);
            }

            return new ReservationCheck(null, errors);
        }

        var resolution = ReservationTargets.Resolve(parts.CallingUser, parts.Algorithm, parts.VersionType, parts.Version, catalog);
        if (resolution.Error is { } error)
        {
            return new ReservationCheck(null, [error]);
        }

        var definition = new ReservationDefinition(id, parts.CallingUser, parts.Algorithm, parts.VersionType, parts.Version, parts.Count, parts.Schedule, now);
        if (existing.FirstOrDefault(definition.SameTarget) is { } twin)
        {
            return new ReservationCheck(null, [new FieldError(ReservationFields.Algorithm,
                $"calling_user {definition.CallingUser} already has reservation {twin.Id} keeping {definition.AlgorithmPath} {definition.VersionType.Name()} warm; change its count instead of adding another")]);
        }

        return new ReservationCheck(definition, []);
    }

    /// <summary>
    /// <c>OWNER/NAME[/VERSION]</c> against the version type: <c>latest_*</c> takes no VERSION, <c>semver</c> needs
    /// <c>X.Y.Z</c> and <c>hash</c> needs 40 hex digits. Returns the name and the normalized version.
    /// </summary>
    private static (AlgorithmName? Name, string? Version) CheckAlgorithm(string? text, VersionType? type, List<FieldError> errors)
    {
        const string Field = ReservationFields.Algorithm;
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(new FieldError(Field, "algorithm is required: write OWNER/NAME, or OWNER/NAME/VERSION for version_type semver or hash"));
            return (null, null);
        }

        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3)
        {
            errors.Add(new FieldError(Field, $"algorithm \"{text}\" must be written OWNER/NAME or OWNER/NAME/VERSION"));
            return (null, null);
        }

        if ((Names.Why(parts[0], "owner") ?? Names.Why(parts[1], "algorithm name")) is { } nameError)
        {
            errors.Add(new FieldError(Field, $"algorithm \"{text}\": {nameError}"));
            return (null, null);
        }

        var name = new AlgorithmName(parts[0], parts[1]);

        var version = parts.Length == 3 ? parts[2] : null;
        if (version is { Length: 0 })
        {
            errors.Add(new FieldError(Field, $"algorithm \"{text}\" ends with '/': write {name} or {name}/VERSION"));
            return (null, null);
        }

        switch (type)
        {
            case null:
                // The version cannot be judged without its type; the version_type error says what to fix.
                return (name, null);

            case { } latest when latest.IsLatest():
                if (version is not null)
                {
                    errors.Add(new FieldError(Field,
                        $"algorithm \"{text}\" names version \"{version}\", but version_type {latest.Name()} takes no version: write {name}, or choose version_type semver or hash"));
                    return (null, null);
                }

                return (name, null);

            case VersionType.Semver:
                if (version is null)
                {
                    errors.Add(new FieldError(Field, $"algorithm \"{text}\" has no version, but version_type semver needs one: write {name}/X.Y.Z"));
                    return (null, null);
                }

                if (!SemanticVersion.TryParse(version, out var semver, out var semverError))
                {
                    errors.Add(new FieldError(Field, $"algorithm \"{text}\": version_type semver needs X.Y.Z, and {semverError}"));
                    return (null, null);
                }

                return (name, semver.ToString());

            default:
                if (version is null)
                {
                    errors.Add(new FieldError(Field, $"algorithm \"{text}\" has no version, but version_type hash needs one: write {name}/ and the build's 40 hex digits"));
                    return (null, null);
                }

                if (!BuildHash.IsValid(version))
                {
                    var why = version.Length != BuildHash.Length
                        ? $"it has {version.Length} characters"
                        : $"'{version.First(c => !char.IsAsciiHexDigit(c))}' is not a hex digit";
                    errors.Add(new FieldError(Field, $"algorithm \"{text}\": version_type hash needs 40 hex digits, and \"{version}\" is not ({why})"));
                    return (null, null);
                }

                return (name, BuildHash.Normalize(version));
        }
    }
}
