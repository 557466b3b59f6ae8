namespace Hearth.Worker.Algorithms;

/// <summary>
/// Where an instance's cold start went, step by step: fetching the build and unpacking it (both zero when it was
/// cached), setting up its sandbox (the cgroup, the runtime's location, and the sandbox's own start until it runs the
/// program; zero without one), spawning the process, and loading until <c>PIPE_INIT_COMPLETE</c>. The steps add up to
/// at most <paramref name="Total"/>, which also holds waits between them.
/// </summary>
internal sealed record ColdStart(TimeSpan Fetch, TimeSpan Unpack, TimeSpan Sandbox, TimeSpan Start, TimeSpan Load, TimeSpan Total);
