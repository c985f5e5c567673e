using TomoCrop.Localization.Clustering;

namespace TomoCrop.Localization.Tests.Clustering;

public class DbscanTests
{
    private static float[] P(float x, float y) => [x, y];

    [Fact]
    public void Core_border_and_noise_points_match_a_hand_computed_clustering()
    {
        // ε = 1.1, min samples 3 (the point itself included).
        //   p0 (0,0)  neighbours p0 p1        -> 2: border of cluster 0 (reached from p1)
        //   p1 (1,0)  neighbours p0 p1 p2     -> 3: core
        //   p2 (2,0)  neighbours p1 p2 p3     -> 3: core
        //   p3 (3,0)  neighbours p2 p3        -> 2: border of cluster 0
        //   p4 (10,0) neighbours p4 p5 p6     -> 3: core of cluster 1
        //   p5 (10,1) neighbours p4 p5 (p6 is √2 away) -> border of cluster 1
        //   p6 (11,0) neighbours p4 p6        -> border of cluster 1
        //   p7 (20,20) alone                  -> noise
        //   p8 (4.5,0) 1.5 from p3, which is not core anyway -> noise
        float[][] points = [P(0, 0), P(1, 0), P(2, 0), P(3, 0), P(10, 0), P(10, 1), P(11, 0), P(20, 20), P(4.5f, 0)];
        var result = Dbscan.Cluster(points, 1.1, 3);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, Dbscan.Noise, Dbscan.Noise], result.Labels);
        Assert.Equal([false, true, true, false, true, false, false, false, false], result.IsCore);
        Assert.Equal([4, 3], result.ClusterSizes());
    }

    [Fact]
    public void A_border_point_between_two_clusters_joins_the_first_that_reaches_it_and_never_links_them()
    {
        // ε = 1.05, min samples 4. a1 (1,0) has a0 a2 b and itself: core; c0 (3,0) has b c1 c2 and itself: core.
        // b (2,0) has a1 c0 and itself: border, within reach of both cores, labelled by the first (a1's) cluster and
        // not expanded, so the two clusters stay apart. a3 (0,1) and c3 (4,1) touch only non-core points: noise.
        float[][] points = [P(0, 0), P(1, 0), P(1, 1), P(0, 1), P(2, 0), P(3, 0), P(4, 0), P(3, 1), P(4, 1)];
        var result = Dbscan.Cluster(points, 1.05, 4);
        Assert.Equal([0, 0, 0, Dbscan.Noise, 0, 1, 1, 1, Dbscan.Noise], result.Labels);
        Assert.Equal([false, true, false, false, false, true, false, false, false], result.IsCore);
    }

    [Fact]
    public void Dense_clusters_are_background_and_outliers_and_tiny_clusters_are_object()
    {
        var clusters = new DbscanResult([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, Dbscan.Noise, Dbscan.Noise], new bool[12]);
        // 12 points: clusters of 6 and 3 reach 25 %; the cluster of 1 does not.
        var isObject = BackgroundClusters.ObjectMask(clusters, 0.25);
        Assert.Equal([false, false, false, false, false, false, false, false, false, true, true, true], isObject);
    }
}
