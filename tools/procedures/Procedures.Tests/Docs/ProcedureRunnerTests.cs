using NodeFirmware.Procedures.Tests.Runner;

namespace NodeFirmware.Procedures.Tests.Docs;

/// <summary>The runner itself: state carries across blocks, the first failing command stops the run and is named.</summary>
public sealed class ProcedureRunnerTests : IDisposable
{
    private readonly string _docs = Directory.CreateTempSubdirectory("nf-runner-docs-").FullName;

    public void Dispose() => Directory.Delete(_docs, recursive: true);

    private ProcedureRun Run(string markdown)
    {
        File.WriteAllText(Path.Combine(_docs, "doc.md"), markdown);
        return ProcedureRunner.Run([new DocStep("doc.md")], TimeSpan.FromSeconds(60), _docs);
    }

    [Fact]
    public void Variables_functions_and_the_directory_carry_from_block_to_block()
    {
        using var run = Run("# A\n```sh\nx=1; mkdir sub; cd sub\nf() { echo \"f $1\"; }\n```\ntext\n```sh\nf $x > out.txt\necho 8883 >> out.txt\n```\n");
        Assert.True(run.Succeeded, run.Report());
        Assert.Equal($"f 1\n{run.Ports[8883]}\n", File.ReadAllText(run.File("sub/out.txt")));
    }

    [Fact]
    public void The_first_failing_command_stops_the_run_and_is_reported_with_its_line()
    {
        using var run = Run("# A\n```sh\necho first\n```\n\n# B\n```sh\nfalse\necho never\n```\n");
        Assert.False(run.Succeeded);
        Assert.Contains("procedure: FAILED in doc.md:7 (B)", run.Output);
        Assert.DoesNotContain("never", run.Output);
        Assert.Contains("doc.md:7", run.Report());
    }

    [Fact]
    public void A_failure_inside_a_pipeline_fails_the_run()
    {
        using var run = Run("```sh\nfalse | cat\n```\n");
        Assert.False(run.Succeeded);
    }

    [Fact]
    public void Prerequisite_blocks_are_not_run()
    {
        using var run = Run("```sh prerequisite\nexit 3\n```\n```sh\necho ran > ran.txt\n```\n");
        Assert.True(run.Succeeded, run.Report());
        Assert.True(File.Exists(run.File("ran.txt")));
    }

    [Fact]
    public void A_procedure_that_leaves_a_process_running_fails_and_the_process_is_stopped()
    {
        using var run = Run("```sh\nsleep 300 &\necho $! > job.pid\n```\n");
        Assert.False(run.Succeeded);
        Assert.Contains("left running", run.Report());
        int pid = int.Parse(File.ReadAllText(run.File("job.pid")).Trim());
        // Named by pid: on a busy machine the job can still be the forked shell, not yet "sleep 300", when it is stopped.
        Assert.Contains($"pid {pid} ", run.Report());
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), $"background job {pid} still runs");

        using var tidy = Run("```sh\nsleep 300 &\njob=$!\nkill $job\nwait $job || true\n```\n"); // a stopped job is waited for, as the documents do
        Assert.True(tidy.Succeeded, tidy.Report());
    }

    [Fact]
    public void The_session_waits_at_a_checkpoint_while_the_check_looks_and_a_failed_check_fails_the_run()
    {
        File.WriteAllText(Path.Combine(_docs, "doc.md"), "# A\n```sh\nmkdir sub; cd sub; echo before > state.txt\n```\n# B\n```sh\necho after > state.txt\n```\n");
        DocStep a = new("doc.md", "A"), b = new("doc.md", "B");
        string? seen = null, output = null;
        using (var run = ProcedureRunner.Run([a, b], TimeSpan.FromSeconds(60), _docs, [new Checkpoint(a, async view =>
               {
                   await Task.Delay(500); // the session must not go on meanwhile
                   seen = File.ReadAllText(view.File("sub/state.txt")).Trim();
                   output = view.Output;
               })]))
        {
            Assert.True(run.Succeeded, run.Report());
            Assert.Equal("before", seen);
            Assert.Contains("procedure: ▶ doc.md:2", output);
            Assert.DoesNotContain("procedure: ▶ doc.md:5", output);
            Assert.Equal("after", File.ReadAllText(run.File("sub/state.txt")).Trim());
        }

        using var failed = ProcedureRunner.Run([a, b], TimeSpan.FromSeconds(60), _docs, [new Checkpoint(a, _ => throw new InvalidOperationException("the page is empty"))]);
        Assert.False(failed.Succeeded);
        Assert.Contains("the page is empty", failed.Report());
        Assert.Equal("after", File.ReadAllText(failed.File("sub/state.txt")).Trim()); // the session went on and ended

        Assert.Throws<ArgumentException>(() => ProcedureRunner.Run([b], TimeSpan.FromSeconds(60), _docs, [new Checkpoint(a, _ => Task.CompletedTask)]));
    }
}
