using TomoCrop.Models;
using TomoCrop.TestSupport;

namespace TomoCrop.Localization.Tests.Rotation;

public class ModelCatalogTests
{
    [Fact]
    public void The_shipped_model_is_found_from_the_test_output_and_loads_with_a_verified_digest()
    {
        var path = ModelCatalog.DefaultModelPath;
        Assert.EndsWith(Path.Combine("models", ModelCatalog.DefaultFileName), path);
        var metadata = Checkpoint.ReadMetadata(path);
        Assert.True(new FileInfo(Checkpoint.WeightsPath(path, metadata)).Length <= 20L << 20, "shipped model must stay within 20 MB");
        using var model = Checkpoint.Load(path, TorchSharp.torch.CPU);
        Assert.Equal(metadata.WeightsSha256, model.WeightsSha256);
    }

    [Fact]
    public void An_explicit_path_wins_and_a_missing_model_is_reported_with_the_variable_to_set()
    {
        using var temp = new TempDirectory();
        Assert.Equal(temp.File("m.json"), ModelCatalog.Find(temp.Path, temp.File("m.json")));
        var nested = Directory.CreateDirectory(temp.File("a/b")).FullName;
        var error = Assert.Throws<ModelException>(() => ModelCatalog.Find(nested, null));
        Assert.Contains(ModelCatalog.EnvironmentVariable, error.Message);
        Directory.CreateDirectory(temp.File("a/models"));
        File.WriteAllText(temp.File("a/models/" + ModelCatalog.DefaultFileName), "{}");
        Assert.Equal(temp.File("a/models/" + ModelCatalog.DefaultFileName), ModelCatalog.Find(nested, null));
    }
}
