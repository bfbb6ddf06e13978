namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>
/// A pause after a step: the session waits while the test looks at what the step left behind, as a reader would look at
/// the page before typing on (the receiver and the board are still running then, and stop when the procedure ends).
/// If the check throws, the session goes on and the run fails with the check's message.
/// </summary>
public sealed record Checkpoint(DocStep After, Func<CheckpointView, Task> Check);

/// <summary>What a check sees: the session's directory and its output so far.</summary>
public sealed record CheckpointView(string WorkDirectory, string Output)
{
    public string File(string relative) => Path.Combine(WorkDirectory, relative);
}
