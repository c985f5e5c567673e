namespace TomoCrop.Localization.Clustering;

/// <summary>
/// Which superpixels are background (paper §2.2: "dense clusters of similar superpixel embeddings"): the members of
/// every DBSCAN cluster holding at least <c>minClusterFraction</c> of all superpixels — the empty field, the medium and
/// a fixed cell position of every slice (the masked corners) each form one. Everything else — DBSCAN's outliers and
/// the few tiny clusters a specimen's repeated texture can form — is object.
/// </summary>
public static class BackgroundClusters
{
    public static bool[] ObjectMask(DbscanResult clusters, double minClusterFraction)
    {
        var sizes = clusters.ClusterSizes();
        var background = sizes.Select(size => size > 0 && size >= minClusterFraction * clusters.Labels.Length).ToArray();
        return clusters.Labels.Select(label => label == Dbscan.Noise || !background[label]).ToArray();
    }
}
