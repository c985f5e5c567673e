namespace TomoCrop.Localization.Tests.Rotation;

/// <summary>
/// An independent CT phantom written with numpy/scikit-image (not the product's generator, so the shipped model is
/// tested on data it was not trained on): a tube with medium, optionally an organism-like specimen (body with
/// texture, organs, eyes, spine chain) randomly placed and oriented; each axial slice forward-projected, given
/// noise and detector offsets (rings), and reconstructed by filtered back-projection. Writes raw float32 + sidecar
/// and a manifest with the exact box.
/// Usage: OUT_DIR COUNT SIDE SEED KIND[,KIND...] (kinds: specimen, holder).
/// </summary>
internal static class CtPhantomScript
{
    public const string Source = """
# Quick experiment phantoms (not the product generator): tube + medium + organism-like specimen, FBP per slice.
import sys, json, os, numpy as np
from skimage.transform import radon, iradon
def rot(rng):
    q = rng.normal(size=4); q /= np.linalg.norm(q); a,b,c,d = q
    return np.array([[a*a+b*b-c*c-d*d, 2*(b*c-a*d), 2*(b*d+a*c)],[2*(b*c+a*d), a*a-b*b+c*c-d*d, 2*(c*d-a*b)],[2*(b*d-a*c), 2*(c*d+a*b), a*a-b*b-c*c+d*d]])
def make(S, kind, rng):
    zz,yy,xx = np.meshgrid(np.arange(S),np.arange(S),np.arange(S),indexing='ij')
    c = (S-1)/2; r = np.hypot(yy-c, xx-c)
    R = 0.42*S; vol = np.zeros((S,S,S),np.float32)
    vol[r < R] = 0.25; vol[(r>=R)&(r<R+3)] = 1.0
    box = None
    if kind == 'specimen':
        size = rng.uniform(0.3,0.55)*S
        half = np.array([size/2, size*rng.uniform(0.25,0.4), size*rng.uniform(0.2,0.35)])
        M = rot(rng); lim = R - half.max() - 2
        cen = np.array([rng.uniform(size/2+4, S-size/2-4), c+rng.uniform(-lim*0.5,lim*0.5), c+rng.uniform(-lim*0.5,lim*0.5)])
        P = np.stack([zz-cen[0],yy-cen[1],xx-cen[2]],-1) @ M  # body coords
        body = ((P/half)**2).sum(-1)
        mask = body < 1
        vol[mask] = 0.55 + 0.08*np.sin(P[...,0][mask]*0.7)*np.cos(P[...,1][mask]*0.9)
        # organs
        for k in range(4):
            oc = rng.uniform(-0.5,0.5,3)*half; oh = half*rng.uniform(0.15,0.3,3)
            m = (((P-oc)/oh)**2).sum(-1) < 1
            vol[m & mask] = rng.uniform(0.7,1.2)
        # eye pair near head
        for s in (-1,1):
            ec = np.array([half[0]*0.75, s*half[1]*0.5, half[2]*0.2]); m = (((P-ec)/(half[1]*0.22))**2).sum(-1) < 1
            vol[m & mask] = 1.4
        # spine chain
        for t in np.linspace(-0.7,0.6,9):
            sc = np.array([t*half[0], 0, -half[2]*0.5]); m = (((P-sc)/(half[2]*0.18))**2).sum(-1) < 1
            vol[m & mask] = 1.3
        idx = np.argwhere(mask); box = [[int(idx[:,i].min()), int(idx[:,i].max())+1] for i in range(3)]
    # FBP per axial slice with noise and ring artefacts
    theta = np.linspace(0,180,(S*2)//3,endpoint=False)
    ring = rng.normal(0, 0.004*S, size=None) * 0 + rng.normal(0, 1.0, int(np.ceil(S*1.5)))
    out = np.zeros_like(vol)
    for z in range(S):
        sino = radon(vol[z], theta=theta, circle=False)
        sino += rng.normal(0, 0.6, sino.shape) + 0.8*ring[:sino.shape[0], None]
        out[z] = iradon(sino, theta=theta, circle=False, filter_name='ramp', output_size=S)
    return out.astype(np.float32), box
out, n, S, seed, kinds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5].split(',')
os.makedirs(out, exist_ok=True); rng = np.random.default_rng(seed); cases=[]
for i in range(n):
    kind = kinds[i % len(kinds)]; v, box = make(S, kind, rng)
    name = f'case_{i:03d}.raw'; v.tofile(os.path.join(out,name))
    json.dump({"shape":[S,S,S],"dtype":"float32","byte_order":"little"}, open(os.path.join(out,name+'.json'),'w'))
    cases.append({"path":name,"kind":kind,"shape":[S,S,S],"dtype":"float32","box_zyx":box}); print(name, kind, box, flush=True)
json.dump({"cases":cases}, open(os.path.join(out,'manifest.json'),'w'), indent=1)
""";
}
