namespace Hearth.Core.Algorithms;

/// <summary>
/// <c>OWNER/NAME[/VERSION]</c> as written in a call path, the CLI or a reservation: an algorithm and an
/// optional version reference.
/// </summary>
public sealed record AlgorithmPath(AlgorithmName Algorithm, VersionReference Version)
{
    public static AlgorithmPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3)
        {
            throw new AlgorithmFormatException($"\"{text}\" must be written OWNER/NAME or OWNER/NAME/VERSION");
        }

        var algorithm = AlgorithmName.Parse($"{parts[0]}/{parts[1]}");
        return new AlgorithmPath(algorithm, VersionReference.Parse(parts.Length == 3 ? parts[2] : null));
    }

    public override string ToString() => Version.Kind == VersionReferenceKind.LatestPublic && Version.Text is null
        ? Algorithm.ToString()
        : $"{Algorithm}/{Version}";
}
