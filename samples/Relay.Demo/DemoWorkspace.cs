namespace Relay.Demo;

/// <summary>
/// The demo's working folder: a fresh queue database per run and a mail folder emptied at start, so a
/// second run neither fails on the first run's files nor counts its mail.
/// </summary>
internal sealed class DemoWorkspace
{
    private DemoWorkspace(string root)
    {
        Root = root;
        DatabaseFile = Path.Combine(root, "queue.db");
        MailDirectory = Path.Combine(root, "mail");
    }

    public string Root { get; }

    public string DatabaseFile { get; }

    public string MailDirectory { get; }

    public string ConnectionString => $"Data Source={DatabaseFile}";

    public static DemoWorkspace Prepare(string root)
    {
        var workspace = new DemoWorkspace(Path.GetFullPath(root));
        Directory.CreateDirectory(workspace.Root);
        Directory.CreateDirectory(workspace.MailDirectory);

        // WAL mode leaves -wal and -shm files beside the database; a stale WAL would replay old rows.
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(workspace.DatabaseFile + suffix);
        }

        foreach (var file in Directory.EnumerateFiles(workspace.MailDirectory, "*.eml"))
        {
            File.Delete(file);
        }

        return workspace;
    }

    public int CountMailFiles() => Directory.EnumerateFiles(MailDirectory, "*.eml").Count();
}
