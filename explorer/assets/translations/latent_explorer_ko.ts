<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>&lt;b&gt;The ELBO&lt;/b&gt; (evidence lower bound) of a VAE, for one input x:&lt;br&gt;ELBO = E&lt;sub&gt;q(z|x)&lt;/sub&gt;[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x)&lt;br&gt;The first term rewards a good reconstruction, the second keeps q(z|x) close to the prior p(z) = N(0, I). Training maximises the ELBO (minimises −ELBO).</source>
        <translation>입력 x 하나에 대한 변분 오토인코더(VAE)의 &lt;b&gt;증거 하한(ELBO, evidence lower bound)&lt;/b&gt;:&lt;br&gt;ELBO = E&lt;sub&gt;q(z|x)&lt;/sub&gt;[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x)&lt;br&gt;첫째 항은 재구성(reconstruction)이 좋을수록 커지고, 둘째 항은 사후 분포(posterior) q(z|x)를 사전 분포(prior) p(z) = N(0, I) 가까이에 붙잡아 둡니다. 학습은 ELBO를 최대화합니다(즉 −ELBO를 최소화합니다).</translation>
    </message>
    <message>
        <source>&lt;i&gt;Select a sample or draw one to see its numbers.&lt;/i&gt;</source>
        <translation>&lt;i&gt;샘플을 선택하거나 직접 그리면 그 샘플의 수치가 표시됩니다.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>this input</source>
        <translation>이 입력</translation>
    </message>
    <message>
        <source>For {what} (one sample z = μ + σ·ε, ε drawn with seed {seed}):</source>
        <translation>{what}의 값 (샘플 z = μ + σ·ε 하나, ε은 시드 {seed}로 뽑음):</translation>
    </message>
    <message>
        <source>−ELBO = &lt;b&gt;{neg_elbo}&lt;/b&gt; (what &lt;tt&gt;eval&lt;/tt&gt; reports as test_neg_elbo, averaged over the test set)</source>
        <translation>−ELBO = &lt;b&gt;{neg_elbo}&lt;/b&gt; (테스트 세트 전체에서 평균하면 &lt;tt&gt;eval&lt;/tt&gt;이 보고하는 값(test_neg_elbo)이 됩니다)</translation>
    </message>
    <message>
        <source>&lt;b&gt;KL of a diagonal Gaussian&lt;/b&gt; from N(0, I), in closed form, dimension by dimension:&lt;br&gt;KL = Σ&lt;sub&gt;i&lt;/sub&gt; ½ (μ&lt;sub&gt;i&lt;/sub&gt;² + σ&lt;sub&gt;i&lt;/sub&gt;² − 1 − log σ&lt;sub&gt;i&lt;/sub&gt;²)&lt;br&gt;A dimension with KL ≈ 0 carries no information about x (μ ≈ 0, σ ≈ 1): an inactive unit.</source>
        <translation>N(0, I)에 대한 &lt;b&gt;대각 가우시안의 KL 발산(KL divergence)&lt;/b&gt;, 차원별 닫힌 형식(closed form):&lt;br&gt;KL = Σ&lt;sub&gt;i&lt;/sub&gt; ½ (μ&lt;sub&gt;i&lt;/sub&gt;² + σ&lt;sub&gt;i&lt;/sub&gt;² − 1 − log σ&lt;sub&gt;i&lt;/sub&gt;²)&lt;br&gt;KL ≈ 0인 차원은 x에 대한 정보를 전혀 담지 않습니다(μ ≈ 0, σ ≈ 1). 이런 차원을 비활성 유닛(inactive unit)이라고 합니다.</translation>
    </message>
    <message>
        <source>Largest terms now:</source>
        <translation>현재 가장 큰 항:</translation>
    </message>
    <message>
        <source>sum over all {n} dimensions = &lt;b&gt;{total:.3f}&lt;/b&gt; nats</source>
        <translation>전체 {n}개 차원의 합 = &lt;b&gt;{total:.3f}&lt;/b&gt; nats</translation>
    </message>
    <message>
        <source>&lt;b&gt;The reparameterisation trick&lt;/b&gt;: a sample of q(z|x) = N(μ, σ²) written as&lt;br&gt;z = μ + σ · ε, &amp;nbsp; ε ~ N(0, I)&lt;br&gt;The randomness is in ε, outside the network, so gradients flow through μ and σ (Kingma &amp;amp; Welling, 2014). A plain autoencoder has no σ: its z is one point.</source>
        <translation>&lt;b&gt;재매개변수화 트릭(reparameterisation trick)&lt;/b&gt;: q(z|x) = N(μ, σ²)의 샘플을 다음과 같이 씁니다.&lt;br&gt;z = μ + σ · ε, &amp;nbsp; ε ~ N(0, I)&lt;br&gt;무작위성은 네트워크 바깥의 ε에 있으므로, 기울기(gradient)가 μ와 σ를 통해 흐릅니다(Kingma &amp;amp; Welling, 2014). 일반 오토인코더(autoencoder)에는 σ가 없어서 z는 점 하나입니다.</translation>
    </message>
    <message>
        <source>The cloud on the map: {n} such samples.</source>
        <translation>지도 위의 점 구름은 이렇게 뽑은 샘플 {n}개입니다.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Codebook perplexity&lt;/b&gt;: exp of the entropy of code use,&lt;br&gt;perplexity = exp(−Σ&lt;sub&gt;k&lt;/sub&gt; p&lt;sub&gt;k&lt;/sub&gt; log p&lt;sub&gt;k&lt;/sub&gt;), p&lt;sub&gt;k&lt;/sub&gt; = the share of positions using code k.&lt;br&gt;K if all K codes are used equally, 1 if a single code is used.</source>
        <translation>&lt;b&gt;코드북 퍼플렉서티(codebook perplexity)&lt;/b&gt;: 코드 사용 분포의 엔트로피에 exp를 취한 값입니다.&lt;br&gt;퍼플렉서티 = exp(−Σ&lt;sub&gt;k&lt;/sub&gt; p&lt;sub&gt;k&lt;/sub&gt; log p&lt;sub&gt;k&lt;/sub&gt;), p&lt;sub&gt;k&lt;/sub&gt; = 코드 k를 쓰는 위치의 비율.&lt;br&gt;K개 코드를 모두 고르게 쓰면 K, 코드 하나만 쓰면 1입니다.</translation>
    </message>
    <message>
        <source>Now: perplexity = &lt;b&gt;{value}&lt;/b&gt; of K = {k}.</source>
        <translation>현재: 퍼플렉서티 = &lt;b&gt;{value}&lt;/b&gt; (최대 K = {k}).</translation>
    </message>
    <message>
        <source>Now: perplexity = &lt;b&gt;{value}&lt;/b&gt; of K = {k} ({used} of {k} codes used).</source>
        <translation>현재: 퍼플렉서티 = &lt;b&gt;{value}&lt;/b&gt; (최대 K = {k}, 코드 {k}개 중 {used}개 사용).</translation>
    </message>
    <message>
        <source>&lt;b&gt;The GAN game&lt;/b&gt; (Goodfellow et al., 2014):&lt;br&gt;min&lt;sub&gt;G&lt;/sub&gt; max&lt;sub&gt;D&lt;/sub&gt; V(D, G) = E&lt;sub&gt;x~p&lt;sub&gt;data&lt;/sub&gt;&lt;/sub&gt;[log D(x)] + E&lt;sub&gt;z~p(z)&lt;/sub&gt;[log(1 − D(G(z)))]&lt;br&gt;For a fixed G the best discriminator is D*(x) = p&lt;sub&gt;data&lt;/sub&gt;(x) / (p&lt;sub&gt;data&lt;/sub&gt;(x) + p&lt;sub&gt;g&lt;/sub&gt;(x)): the background of the toy view is D(x), and where G&apos;s samples sit on no data D says fake (blue). At the equilibrium p&lt;sub&gt;g&lt;/sub&gt; = p&lt;sub&gt;data&lt;/sub&gt;, D* = ½ everywhere and V = −log 4 ≈ −1.386.&lt;br&gt;</source>
        <translation>&lt;b&gt;GAN 게임&lt;/b&gt;(Goodfellow et al., 2014):&lt;br&gt;min&lt;sub&gt;G&lt;/sub&gt; max&lt;sub&gt;D&lt;/sub&gt; V(D, G) = E&lt;sub&gt;x~p&lt;sub&gt;data&lt;/sub&gt;&lt;/sub&gt;[log D(x)] + E&lt;sub&gt;z~p(z)&lt;/sub&gt;[log(1 − D(G(z)))]&lt;br&gt;생성자(generator) G가 고정되어 있을 때 최적의 판별자(discriminator)는 D*(x) = p&lt;sub&gt;data&lt;/sub&gt;(x) / (p&lt;sub&gt;data&lt;/sub&gt;(x) + p&lt;sub&gt;g&lt;/sub&gt;(x))입니다. 토이 뷰(toy view)의 배경이 D(x)이며, G의 샘플이 데이터가 없는 곳에 놓이면 D는 가짜라고 판정합니다(파란색). 평형에서는 p&lt;sub&gt;g&lt;/sub&gt; = p&lt;sub&gt;data&lt;/sub&gt;이고, 모든 곳에서 D* = ½, V = −log 4 ≈ −1.386입니다.&lt;br&gt;</translation>
    </message>
    <message>
        <source>G here maximises log D(G(z)) (the non-saturating loss), which gives it gradients while D still wins.</source>
        <translation>여기서 G는 log D(G(z))를 최대화합니다(비포화 손실, non-saturating loss). 그래서 D가 아직 이기고 있을 때에도 G에 기울기가 전달됩니다.</translation>
    </message>
    <message>
        <source>G here minimises log(1 − D(G(z))), the original minimax.</source>
        <translation>여기서 G는 원래의 미니맥스(minimax) 목적대로 log(1 − D(G(z)))를 최소화합니다.</translation>
    </message>
    <message>
        <source>At step {step:,} (means over the last logged steps): D(x) on real data = &lt;b&gt;{d_real:.3f}&lt;/b&gt;, D(G(z)) = &lt;b&gt;{d_fake:.3f}&lt;/b&gt;</source>
        <translation>스텝 {step:,}(마지막으로 기록된 스텝들의 평균): 실제 데이터에서 D(x) = &lt;b&gt;{d_real:.3f}&lt;/b&gt;, D(G(z)) = &lt;b&gt;{d_fake:.3f}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>; V ≈ −(D&apos;s loss) = &lt;b&gt;{v}&lt;/b&gt; (−log 4 = −1.386 at the equilibrium)</source>
        <translation>; V ≈ −(D의 손실) = &lt;b&gt;{v}&lt;/b&gt; (평형에서는 −log 4 = −1.386)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Coverage of an image GAN&lt;/b&gt;: a classifier trained on the real images labels {n} generated samples. Classes covered: how many labels occur; label entropy: −Σ p log p of the labels (log 10 ≈ 2.30 nats when all ten are equally frequent); a collapsed G makes few classes, or near-duplicate samples.</source>
        <translation>&lt;b&gt;이미지 GAN의 커버리지(coverage)&lt;/b&gt;: 실제 이미지로 학습한 분류기가 생성된 샘플 {n}개에 레이블을 붙입니다. 포함된 클래스 수는 나타난 레이블의 가짓수이고, 레이블 엔트로피는 레이블 분포의 −Σ p log p입니다(열 개가 모두 같은 빈도면 log 10 ≈ 2.30 nats). 모드 붕괴가 일어난 G는 적은 수의 클래스만 만들거나 거의 똑같은 샘플을 만듭니다.</translation>
    </message>
    <message>
        <source>At step {step:,}: &lt;b&gt;{classes:.0f}&lt;/b&gt; classes, label entropy &lt;b&gt;{entropy:.2f}&lt;/b&gt; nats.</source>
        <translation>스텝 {step:,}: 클래스 &lt;b&gt;{classes:.0f}&lt;/b&gt;개, 레이블 엔트로피 &lt;b&gt;{entropy:.2f}&lt;/b&gt; nats.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Mode coverage&lt;/b&gt; on a mixture of Gaussians (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): draw {n} samples of G. A sample is &lt;i&gt;high quality&lt;/i&gt; when it lies within 3σ of some mode; a mode is &lt;i&gt;captured&lt;/i&gt; when at least one sample lies within 3σ of it. Reverse KL over modes: KL(p&lt;sub&gt;g&lt;/sub&gt;(mode) ‖ uniform), 0 when every mode gets an equal share. Mode collapse: few modes captured, however good the samples look.</source>
        <translation>가우시안 혼합(Gaussian mixture)에서의 &lt;b&gt;모드 커버리지&lt;/b&gt;(mode coverage; VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): G의 샘플 {n}개를 뽑습니다. 샘플이 어느 한 모드의 3σ 안에 있으면 &lt;i&gt;고품질&lt;/i&gt;이고, 적어도 한 샘플이 3σ 안에 들어온 모드는 &lt;i&gt;포착된&lt;/i&gt; 모드입니다. 모드에 대한 역방향 KL(reverse KL)은 KL(p&lt;sub&gt;g&lt;/sub&gt;(모드) ‖ 균등 분포)이며, 모든 모드가 같은 몫을 받으면 0입니다. 모드 붕괴(mode collapse)란 샘플이 아무리 좋아 보여도 포착된 모드가 적은 상태입니다.</translation>
    </message>
    <message>
        <source>At step {step:,}: &lt;b&gt;{captured:.0f}&lt;/b&gt; of {n_modes} modes captured, &lt;b&gt;{hq:.1f}%&lt;/b&gt; high-quality, reverse KL &lt;b&gt;{rk:.3f}&lt;/b&gt;.</source>
        <translation>스텝 {step:,}: 모드 {n_modes}개 중 &lt;b&gt;{captured:.0f}&lt;/b&gt;개 포착, 고품질 비율 &lt;b&gt;{hq:.1f}%&lt;/b&gt;, 역방향 KL &lt;b&gt;{rk:.3f}&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>At step {step:,}: &lt;b&gt;{captured:.0f}&lt;/b&gt; of {n_modes} modes captured, &lt;b&gt;{hq:.1f}%&lt;/b&gt; high-quality.</source>
        <translation>스텝 {step:,}: 모드 {n_modes}개 중 &lt;b&gt;{captured:.0f}&lt;/b&gt;개 포착, 고품질 비율 &lt;b&gt;{hq:.1f}%&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>&lt;b&gt;A Gaussian mixture prior&lt;/b&gt; over the latent space:&lt;br&gt;p(z) = Σ&lt;sub&gt;k&lt;/sub&gt; π&lt;sub&gt;k&lt;/sub&gt; N(z | μ&lt;sub&gt;k&lt;/sub&gt;, Σ&lt;sub&gt;k&lt;/sub&gt;), &amp;nbsp; Σ&lt;sub&gt;k&lt;/sub&gt; π&lt;sub&gt;k&lt;/sub&gt; = 1&lt;br&gt;Fitted by EM on the training latents, it follows where the encoder really puts the data, so a plain autoencoder, which has no prior, can be sampled: pick k with probability π&lt;sub&gt;k&lt;/sub&gt;, then z ~ N(μ&lt;sub&gt;k&lt;/sub&gt;, Σ&lt;sub&gt;k&lt;/sub&gt;), then decode. The stars on the map are the μ&lt;sub&gt;k&lt;/sub&gt;.</source>
        <translation>잠재 공간(latent space) 위의 &lt;b&gt;가우시안 혼합 사전 분포(Gaussian mixture prior)&lt;/b&gt;:&lt;br&gt;p(z) = Σ&lt;sub&gt;k&lt;/sub&gt; π&lt;sub&gt;k&lt;/sub&gt; N(z | μ&lt;sub&gt;k&lt;/sub&gt;, Σ&lt;sub&gt;k&lt;/sub&gt;), &amp;nbsp; Σ&lt;sub&gt;k&lt;/sub&gt; π&lt;sub&gt;k&lt;/sub&gt; = 1&lt;br&gt;학습 데이터의 잠재 벡터에 기댓값 최대화 알고리즘(EM)으로 맞추므로, 인코더가 데이터를 실제로 놓는 곳을 따라갑니다. 그래서 사전 분포가 없는 일반 오토인코더에서도 샘플링할 수 있습니다: 확률 π&lt;sub&gt;k&lt;/sub&gt;로 k를 고르고, z ~ N(μ&lt;sub&gt;k&lt;/sub&gt;, Σ&lt;sub&gt;k&lt;/sub&gt;)를 뽑은 다음 디코딩합니다. 지도 위의 별이 μ&lt;sub&gt;k&lt;/sub&gt;입니다.</translation>
    </message>
    <message>
        <source>Now: the model&apos;s own prior N(0, I) in d = {dim}: one component, μ = 0, Σ = I (what a VAE&apos;s KL term pulls q(z|x) towards).</source>
        <translation>현재: d = {dim}에서 모델 자체의 사전 분포 N(0, I)입니다. 성분 하나, μ = 0, Σ = I (VAE의 KL 항이 q(z|x)를 끌어당기는 분포).</translation>
    </message>
    <message>
        <source>Now: K = &lt;b&gt;{k}&lt;/b&gt; full-covariance components in d = {dim} on {n:,} training latents; largest weights {top}; Σ π&lt;sub&gt;k&lt;/sub&gt; = {total:.3f}.</source>
        <translation>현재: 학습 잠재 벡터 {n:,}개에 맞춘 d = {dim}의 완전 공분산 성분 K = &lt;b&gt;{k}&lt;/b&gt;개. 가장 큰 가중치 {top}; Σ π&lt;sub&gt;k&lt;/sub&gt; = {total:.3f}.</translation>
    </message>
    <message>
        <source>Now: K = &lt;b&gt;{k}&lt;/b&gt; full-covariance components in d = {dim}; largest weights {top}; Σ π&lt;sub&gt;k&lt;/sub&gt; = {total:.3f}.</source>
        <translation>현재: d = {dim}의 완전 공분산 성분 K = &lt;b&gt;{k}&lt;/b&gt;개. 가장 큰 가중치 {top}; Σ π&lt;sub&gt;k&lt;/sub&gt; = {total:.3f}.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Discriminator rejection sampling&lt;/b&gt; (Azadi et al., 2019): D&apos;s logit estimates log p&lt;sub&gt;data&lt;/sub&gt;(x)/p&lt;sub&gt;g&lt;/sub&gt;(x); a sample is kept with probability min(1, p&lt;sub&gt;data&lt;/sub&gt;/(M p&lt;sub&gt;g&lt;/sub&gt;)), so the kept ones follow p&lt;sub&gt;data&lt;/sub&gt; more closely.</source>
        <translation>&lt;b&gt;판별자 기각 샘플링&lt;/b&gt;(discriminator rejection sampling; Azadi et al., 2019): D의 로짓은 log p&lt;sub&gt;data&lt;/sub&gt;(x)/p&lt;sub&gt;g&lt;/sub&gt;(x)를 추정합니다. 샘플은 확률 min(1, p&lt;sub&gt;data&lt;/sub&gt;/(M p&lt;sub&gt;g&lt;/sub&gt;))로 남기므로, 남은 샘플은 p&lt;sub&gt;data&lt;/sub&gt;를 더 가깝게 따릅니다.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Rejection sampling&lt;/b&gt; by a classifier&apos;s confidence: generate x, keep it when the classifier&apos;s top class probability is at least the threshold. Kept samples look more like some real class; the price is the rejected ones.</source>
        <translation>분류기 신뢰도(confidence)에 따른 &lt;b&gt;기각 샘플링(rejection sampling)&lt;/b&gt;: x를 생성하고, 분류기의 가장 높은 클래스 확률이 임계값 이상이면 남깁니다. 남은 샘플은 실제 어느 한 클래스와 더 닮아 보이며, 그 대가로 기각된 샘플은 버려집니다.</translation>
    </message>
    <message>
        <source>acceptance rate = kept / generated</source>
        <translation>채택률(acceptance rate) = 남긴 수 / 생성한 수</translation>
    </message>
    <message>
        <source>Now: {kept:,} of {total:,} kept, acceptance rate = &lt;b&gt;{rate:.1%}&lt;/b&gt;.</source>
        <translation>현재: {total:,}개 중 {kept:,}개 남김, 채택률 = &lt;b&gt;{rate:.1%}&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>Now at threshold {threshold:.2f}: {kept:,} of {total:,} kept, acceptance rate = &lt;b&gt;{rate:.1%}&lt;/b&gt;.</source>
        <translation>현재 임계값 {threshold:.2f}에서: {total:,}개 중 {kept:,}개 남김, 채택률 = &lt;b&gt;{rate:.1%}&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>&lt;b&gt;The VQ-VAE loss&lt;/b&gt; (van den Oord et al., 2017), for an input x with encoder output z&lt;sub&gt;e&lt;/sub&gt;(x) and its nearest code e:&lt;br&gt;L = −log p(x | z&lt;sub&gt;q&lt;/sub&gt;(x)) + ‖sg[z&lt;sub&gt;e&lt;/sub&gt;(x)] − e‖² + β ‖z&lt;sub&gt;e&lt;/sub&gt;(x) − sg[e]‖²&lt;br&gt;reconstruction + codebook term (moves the codes to the encoder outputs) + commitment term (keeps the encoder near its codes); sg[·] stops the gradient. The decoder&apos;s gradient is copied past the quantisation (straight-through).</source>
        <translation>&lt;b&gt;VQ-VAE 손실&lt;/b&gt;(van den Oord et al., 2017). 인코더 출력이 z&lt;sub&gt;e&lt;/sub&gt;(x)이고 가장 가까운 코드가 e인 입력 x에 대해:&lt;br&gt;L = −log p(x | z&lt;sub&gt;q&lt;/sub&gt;(x)) + ‖sg[z&lt;sub&gt;e&lt;/sub&gt;(x)] − e‖² + β ‖z&lt;sub&gt;e&lt;/sub&gt;(x) − sg[e]‖²&lt;br&gt;재구성 + 코드북 항(코드를 인코더 출력 쪽으로 옮김) + 커밋먼트 항(commitment, 인코더를 자기 코드 가까이에 붙잡아 둠). sg[·]는 기울기를 멈춥니다. 디코더의 기울기는 양자화(quantisation)를 건너뛰어 그대로 복사됩니다(straight-through).</translation>
    </message>
    <message>
        <source>Here the codebook follows an exponential moving average of the encoder outputs instead of its loss term.</source>
        <translation>여기서는 코드북이 손실 항 대신 인코더 출력의 지수 이동 평균(EMA)을 따라갑니다.</translation>
    </message>
    <message>
        <source>reconstruction &lt;b&gt;{value:.3f}&lt;/b&gt;</source>
        <translation>재구성 &lt;b&gt;{value:.3f}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>codebook &lt;b&gt;{value:.4f}&lt;/b&gt;</source>
        <translation>코드북 &lt;b&gt;{value:.4f}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>β = {beta:g} × commitment &lt;b&gt;{value:.4f}&lt;/b&gt;</source>
        <translation>β = {beta:g} × 커밋먼트 &lt;b&gt;{value:.4f}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>At step {step:,}: {terms} = &lt;b&gt;{total:.3f}&lt;/b&gt;.</source>
        <translation>스텝 {step:,}: {terms} = &lt;b&gt;{total:.3f}&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>&lt;b&gt;A tighter bound: IWAE&lt;/b&gt; (Burda et al., 2016), with k samples z&lt;sub&gt;i&lt;/sub&gt; ~ q(z|x):&lt;br&gt;log p(x) ≥ E[log (1/k) Σ&lt;sub&gt;i&lt;/sub&gt; p(x, z&lt;sub&gt;i&lt;/sub&gt;) / q(z&lt;sub&gt;i&lt;/sub&gt;|x)] ≥ ELBO&lt;br&gt;k = 1 is the ELBO; the bound tightens as k grows, so −IWAE is an estimate of the NLL.</source>
        <translation>&lt;b&gt;더 타이트한 하한: IWAE&lt;/b&gt;(Burda et al., 2016). 샘플 k개 z&lt;sub&gt;i&lt;/sub&gt; ~ q(z|x)를 씁니다:&lt;br&gt;log p(x) ≥ E[log (1/k) Σ&lt;sub&gt;i&lt;/sub&gt; p(x, z&lt;sub&gt;i&lt;/sub&gt;) / q(z&lt;sub&gt;i&lt;/sub&gt;|x)] ≥ ELBO&lt;br&gt;k = 1이면 ELBO와 같고, k가 커질수록 하한이 log p(x)에 가까워지므로 −IWAE는 음의 로그 가능도(NLL)의 추정값입니다.</translation>
    </message>
    <message>
        <source>The run&apos;s last test values: −ELBO = &lt;b&gt;{neg_elbo:.2f}&lt;/b&gt;, NLL ≤ &lt;b&gt;{nll:.2f}&lt;/b&gt; nats with k = {k} (the bound is {gap:.2f} nats tighter).</source>
        <translation>이 실행의 마지막 테스트 값: −ELBO = &lt;b&gt;{neg_elbo:.2f}&lt;/b&gt;, k = {k}일 때 음의 로그 가능도(NLL) ≤ &lt;b&gt;{nll:.2f}&lt;/b&gt; nats (IWAE 하한이 ELBO보다 {gap:.2f} nats 더 타이트합니다).</translation>
    </message>
    <message>
        <source>mode {i}</source>
        <translation>모드 {i}</translation>
    </message>
    <message>
        <source>{name}: {error}</source>
        <translation>{name}: {error}</translation>
    </message>
    <message>
        <source>{name} is not in {where} (expected {files}); run with --download once while online, or copy the files there</source>
        <translation>{name} 데이터셋이 {where}에 없습니다(필요한 파일: {files}). 온라인 상태에서 다운로드 옵션(--download)으로 한 번 실행하거나, 파일을 그곳에 복사하세요</translation>
    </message>
    <message>
        <source>{name}: download into {where} failed ({reason}); copy {files} there, or run with --download again while online</source>
        <translation>{name}: {where}(으)로 다운로드하지 못했습니다({reason}). {files} 파일을 그곳에 복사하거나, 온라인 상태에서 다운로드 옵션(--download)으로 다시 실행하세요</translation>
    </message>
    <message>
        <source>{n} unreadable ({names})</source>
        <translation>읽을 수 없음 {n}개({names})</translation>
    </message>
    <message>
        <source>{n} larger than the {cap}-megapixel cap ({names})</source>
        <translation>{cap}메가픽셀 한도 초과 {n}개({names})</translation>
    </message>
    <message>
        <source>{n} too large to decode in the memory available ({names})</source>
        <translation>남은 메모리로 디코딩하기에 너무 큼 {n}개({names})</translation>
    </message>
    <message>
        <source>skipped 1 file: {parts}</source>
        <translation>파일 1개를 건너뛰었습니다: {parts}</translation>
    </message>
    <message>
        <source>skipped {total} files: {parts}</source>
        <translation>파일 {total}개를 건너뛰었습니다: {parts}</translation>
    </message>
    <message>
        <source>folder:{path}: --image-size {size} (1 image of at least {c}x{size}x{size} as float32)</source>
        <translation>folder:{path}: 이미지 크기(--image-size) {size}: 이미지 1개, 최소 {c}x{size}x{size} 크기(float32)</translation>
    </message>
    <message>
        <source>folder:{path}: --image-size {size} (1 image of {c}x{size}x{size} as float32)</source>
        <translation>folder:{path}: 이미지 크기(--image-size) {size}: 이미지 1개, {c}x{size}x{size} 크기(float32)</translation>
    </message>
    <message>
        <source>folder:{path}: --image-size {size} ({n} images of at least {c}x{size}x{size} as float32)</source>
        <translation>folder:{path}: 이미지 크기(--image-size) {size}: 이미지 {n}개, 각각 최소 {c}x{size}x{size} 크기(float32)</translation>
    </message>
    <message>
        <source>folder:{path}: --image-size {size} ({n} images of {c}x{size}x{size} as float32)</source>
        <translation>folder:{path}: 이미지 크기(--image-size) {size}: 이미지 {n}개, 각각 {c}x{size}x{size} 크기(float32)</translation>
    </message>
    <message>
        <source>folder:{path}: --image-size {size} ({n} images of {c}x{size}x{size} as uint8 in memory, the cache directory being unwritable)</source>
        <translation>folder:{path}: --image-size {size} ({c}x{size}x{size} 이미지 {n}개를 uint8로 메모리에 보관, 캐시 디렉터리에 쓸 수 없음)</translation>
    </message>
    <message>
        <source>folder:{path}: no such directory</source>
        <translation>folder:{path}: 그런 폴더가 없습니다</translation>
    </message>
    <message>
        <source>folder:{path}: channels must be auto, 1 or 3, got {channels}</source>
        <translation>folder:{path}: 채널 수는 자동(auto), 1 또는 3이어야 하는데 {channels}입니다</translation>
    </message>
    <message>
        <source>folder:{path}: cannot decode it into the cache ({error})</source>
        <translation>folder:{path}: 캐시로 디코딩할 수 없습니다 ({error})</translation>
    </message>
    <message>
        <source>folder:{path}: no readable images (looked for {exts}); {skipped}</source>
        <translation>folder:{path}: 읽을 수 있는 이미지가 없습니다(찾아본 확장자: {exts}); {skipped}</translation>
    </message>
    <message>
        <source>folder:{path}: no readable images (looked for {exts})</source>
        <translation>folder:{path}: 읽을 수 있는 이미지가 없습니다(찾아본 확장자: {exts})</translation>
    </message>
    <message>
        <source>folder:{path}: only one readable image; need at least two ({skipped})</source>
        <translation>folder:{path}: 읽을 수 있는 이미지가 하나뿐입니다. 적어도 두 개가 필요합니다({skipped})</translation>
    </message>
    <message>
        <source>folder:{path}: only one readable image; need at least two</source>
        <translation>folder:{path}: 읽을 수 있는 이미지가 하나뿐입니다. 적어도 두 개가 필요합니다</translation>
    </message>
    <message>
        <source>folder:{path}: {skipped}</source>
        <translation>folder:{path}: {skipped}</translation>
    </message>
    <message>
        <source>unknown dataset {name}; valid: {valid}</source>
        <translation>알 수 없는 데이터셋 {name}입니다. 가능한 값: {valid}</translation>
    </message>
    <message>
        <source>mode coverage {k}/{n}</source>
        <translation>모드 커버리지 {k}/{n}</translation>
    </message>
    <message>
        <source>classes covered {c}/{n}</source>
        <translation>포함된 클래스 {c}/{n}</translation>
    </message>
    <message>
        <source>diversity {ratio:.2f} of real data&apos;s</source>
        <translation>다양성(실제 데이터 대비 {ratio:.2f})</translation>
    </message>
    <message>
        <source>recall {value:.2f} while precision is {precision:.2f}</source>
        <translation>재현율 {value:.2f}(정밀도는 {precision:.2f})</translation>
    </message>
    <message>
        <source>coverage {value:.2f} while precision is {precision:.2f}</source>
        <translation>커버리지 {value:.2f}(정밀도는 {precision:.2f})</translation>
    </message>
    <message>
        <source>mode collapse suspected: {signal} fell below {limit:g} since step {since}</source>
        <translation>모드 붕괴 의심: 스텝 {since}부터 {signal} 값이 {limit:g} 아래로 떨어졌습니다</translation>
    </message>
    <message>
        <source>mode collapse suspected: {signal} has stayed below {limit:g} since step {since}</source>
        <translation>모드 붕괴 의심: 스텝 {since}부터 {signal} 값이 계속 {limit:g} 아래에 머물러 있습니다</translation>
    </message>
    <message>
        <source>rejection sampling kept only {accepted} of {n} samples in {proposed} proposals (acceptance {rate:.2%}); lower the percentile</source>
        <translation>기각 샘플링이 후보 {proposed}개를 제안하는 동안 샘플 {n}개 중 {accepted}개만 남겼습니다(채택률 {rate:.2%}). 백분위수를 낮추세요</translation>
    </message>
    <message>
        <source>neighbours</source>
        <translation>이웃 찾기</translation>
    </message>
    <message>
        <source>layout</source>
        <translation>배치 계산</translation>
    </message>
    <message>
        <source>placing</source>
        <translation>배치하는 중</translation>
    </message>
    <message>
        <source>umap needs at least 4 points, got {n}</source>
        <translation>UMAP에는 점이 적어도 4개 필요한데 {n}개입니다</translation>
    </message>
    <message>
        <source>tsne needs at least 4 points, got {n}</source>
        <translation>확률적 이웃 임베딩(t-SNE)에는 점이 적어도 4개 필요한데 {n}개입니다</translation>
    </message>
    <message>
        <source>the map service stopped unexpectedly (exit code {code})</source>
        <translation>지도 서비스가 예기치 않게 멈췄습니다(종료 코드 {code})</translation>
    </message>
    <message>
        <source>the map service stopped before finishing this map</source>
        <translation>지도 서비스가 이 지도를 끝내기 전에 멈췄습니다</translation>
    </message>
    <message>
        <source>umap-learn could not be prepared: {error}</source>
        <translation>UMAP 라이브러리(umap-learn)를 준비하지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>{what} needs about {need}, more than the {available} of memory available</source>
        <translation>{what}에는 약 {need}가 필요해서, 남은 메모리 {available}보다 많습니다</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>권한이 없습니다</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>파일이 없습니다</translation>
    </message>
    <message>
        <source>is a directory, not a file</source>
        <translation>파일이 아니라 폴더입니다</translation>
    </message>
    <message>
        <source>{path}: cannot read: {reason}</source>
        <translation>{path}: 읽을 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>{path}: damaged: not UTF-8 text</source>
        <translation>{path}: 손상됨: 유니코드 텍스트(UTF-8)가 아닙니다</translation>
    </message>
    <message>
        <source>{path}: damaged: not valid JSON ({error})</source>
        <translation>{path}: 손상됨: 올바른 JSON이 아닙니다({error})</translation>
    </message>
    <message>
        <source>{path}: not a directory</source>
        <translation>{path}: 폴더가 아닙니다</translation>
    </message>
    <message>
        <source>{path}: no such directory</source>
        <translation>{path}: 그런 폴더가 없습니다</translation>
    </message>
    <message>
        <source>{path}: cannot read the run directory: permission denied</source>
        <translation>{path}: 실행 폴더를 읽을 수 없습니다: 권한이 없습니다</translation>
    </message>
    <message>
        <source>{path}: not a run directory (no {file})</source>
        <translation>{path}: 실행 폴더가 아닙니다({file} 파일 없음)</translation>
    </message>
    <message>
        <source>{path}: damaged: expected an object with &apos;model&apos; and &apos;train&apos; settings</source>
        <translation>{path}: 손상됨: 모델 설정(&apos;model&apos;)과 학습 설정(&apos;train&apos;)을 담은 객체여야 합니다</translation>
    </message>
    <message>
        <source>{path}: {error}</source>
        <translation>{path}: {error}</translation>
    </message>
    <message>
        <source>{path}: train.dataset {dataset} has samples of shape {shape}, but the model in it takes {expected}</source>
        <translation>{path}: 학습 데이터셋 설정(train.dataset) {dataset}의 샘플 모양은 {shape}인데, 이 실행의 모델은 {expected}을(를) 받습니다</translation>
    </message>
    <message>
        <source>{path}: damaged: not a {format} manifest</source>
        <translation>{path}: 손상됨: {format} 목록 파일(manifest)이 아닙니다</translation>
    </message>
    <message>
        <source>{path}: format version {version} is not one this program reads (up to {newest})</source>
        <translation>{path}: 형식 버전 {version}은(는) 이 프로그램이 읽을 수 있는 버전이 아닙니다(최대 {newest})</translation>
    </message>
    <message>
        <source>{path}: damaged: its {key} entries are not name -&gt; size and sha256</source>
        <translation>{path}: 손상됨: {key} 항목이 &apos;이름 -&gt; 크기와 해시(sha256)&apos; 형식이 아닙니다</translation>
    </message>
    <message>
        <source>{path}: not recorded in {manifest}: it was not written with this run&apos;s checkpoint ({hint})</source>
        <translation>{path}: {manifest}에 기록되어 있지 않습니다. 이 실행의 체크포인트와 함께 쓰인 파일이 아닙니다({hint})</translation>
    </message>
    <message>
        <source>{size} bytes, {expected} expected (truncated or extended)</source>
        <translation>{size}바이트, 예상 {expected}바이트(잘렸거나 늘어남)</translation>
    </message>
    <message>
        <source>same size, different content</source>
        <translation>크기는 같지만 내용이 다름</translation>
    </message>
    <message>
        <source>{path}: damaged: its SHA-256 does not match {manifest} ({how}); {hint}</source>
        <translation>{path}: 손상됨: 해시(SHA-256)가 {manifest}와 맞지 않습니다({how}). {hint}</translation>
    </message>
    <message>
        <source>if you changed it on purpose, re-sign the run with `python main.py sign --run {run}`</source>
        <translation>일부러 바꾼 것이라면 실행에 다시 서명하세요(`python main.py sign --run {run}`)</translation>
    </message>
    <message>
        <source>the root of the file system</source>
        <translation>파일 시스템의 루트</translation>
    </message>
    <message>
        <source>your home directory</source>
        <translation>홈 폴더</translation>
    </message>
    <message>
        <source>a folder holding your home directory</source>
        <translation>홈 폴더를 담고 있는 폴더</translation>
    </message>
    <message>
        <source>the working directory</source>
        <translation>작업 폴더</translation>
    </message>
    <message>
        <source>a folder holding the working directory</source>
        <translation>작업 폴더를 담고 있는 폴더</translation>
    </message>
    <message>
        <source>--out is empty: name a directory for the run</source>
        <translation>출력 폴더(--out)가 비어 있습니다. 실행을 저장할 폴더를 지정하세요</translation>
    </message>
    <message>
        <source>{path}: the name holds bytes that are not UTF-8; choose another --out</source>
        <translation>{path}: 이름에 유니코드(UTF-8)로 읽을 수 없는 바이트가 있습니다. 다른 출력 폴더(--out)를 선택하세요</translation>
    </message>
    <message>
        <source>{path}: refusing to make a run in {why}; choose a new directory for --out</source>
        <translation>{path}: {why}에는 실행을 만들지 않습니다. 새 출력 폴더(--out)를 선택하세요</translation>
    </message>
    <message>
        <source>{path}: a link to nothing; choose another --out</source>
        <translation>{path}: 가리키는 대상이 없는 링크입니다. 다른 출력 폴더(--out)를 선택하세요</translation>
    </message>
    <message>
        <source>{path}: is a file, not a directory; choose another --out</source>
        <translation>{path}: 폴더가 아니라 파일입니다. 다른 출력 폴더(--out)를 선택하세요</translation>
    </message>
    <message>
        <source>{path}: cannot read the directory: permission denied</source>
        <translation>{path}: 폴더를 읽을 수 없습니다: 권한이 없습니다</translation>
    </message>
    <message>
        <source>{path}: holds a run without {manifest} (from an older version): adopt it with `python main.py sign --run {path}` first, or choose another --out</source>
        <translation>{path}: {manifest} 없이 저장된 실행이 있습니다(이전 버전에서 만든 실행). 먼저 서명해서 가져오거나(`python main.py sign --run {path}`), 다른 출력 폴더(--out)를 선택하세요</translation>
    </message>
    <message>
        <source>{path}: not empty and not a run directory; nothing was written: choose a new or empty --out</source>
        <translation>{path}: 비어 있지 않고 실행 폴더도 아닙니다. 아무것도 쓰지 않았습니다. 새 폴더나 빈 폴더를 출력 폴더(--out)로 선택하세요</translation>
    </message>
    <message>
        <source>{path} already holds a run; pass --resume to continue it, --overwrite to replace it, or choose another --out</source>
        <translation>{path}에 이미 실행이 있습니다. 이어서 학습하려면 재개 옵션(--resume)을, 바꾸려면 덮어쓰기 옵션(--overwrite)을 주거나, 다른 출력 폴더(--out)를 선택하세요</translation>
    </message>
    <message>
        <source>{path}: is a link (to {target}); the program writes only inside a run: replace the link with the folder itself</source>
        <translation>{path}: 링크입니다({target}을(를) 가리킴). 이 프로그램은 실행 안에만 씁니다. 링크를 실제 폴더로 바꾸세요</translation>
    </message>
    <message>
        <source>{path}: is a link (to {target}); the program writes only inside a run: replace the link with the file itself</source>
        <translation>{path}: 링크입니다({target}을(를) 가리킴). 이 프로그램은 실행 안에만 씁니다. 링크를 실제 파일로 바꾸세요</translation>
    </message>
    <message>
        <source>{path}: another process is training this run right now; stop it first, or choose another --out</source>
        <translation>{path}: 다른 프로세스가 지금 이 실행을 학습하고 있습니다. 먼저 그 학습을 중지하거나 다른 출력 폴더(--out)를 선택하세요</translation>
    </message>
    <message>
        <source>{path}: damaged: {n} bytes, too short for a weights file</source>
        <translation>{path}: 손상됨: {n}바이트로, 가중치 파일이라기엔 너무 짧습니다</translation>
    </message>
    <message>
        <source>{path}: damaged: truncated ({size} bytes, its header alone claims {n})</source>
        <translation>{path}: 손상됨: 잘린 파일입니다({size}바이트인데 헤더만 {n}바이트라고 되어 있음)</translation>
    </message>
    <message>
        <source>{path}: damaged: not a readable safetensors file ({error})</source>
        <translation>{path}: 손상됨: 읽을 수 있는 가중치 파일(safetensors)이 아닙니다({error})</translation>
    </message>
    <message>
        <source>{path}: damaged: its metadata is not a table</source>
        <translation>{path}: 손상됨: 메타데이터가 표 형식이 아닙니다</translation>
    </message>
    <message>
        <source>{path}: tensor {name} holds NaN or infinite values: refused</source>
        <translation>{path}: 텐서 {name}에 수가 아닌 값(NaN)이나 무한대 값이 있어 거부했습니다</translation>
    </message>
    <message>
        <source>{path}: its metadata {key}={value} is not a whole number</source>
        <translation>{path}: 메타데이터 {key}={value}이(가) 정수가 아닙니다</translation>
    </message>
    <message>
        <source>{path}: its metadata {key}={value} is negative</source>
        <translation>{path}: 메타데이터 {key}={value}이(가) 음수입니다</translation>
    </message>
    <message>
        <source>{path}: refused to load: the file asks to run code ({error})</source>
        <translation>{path}: 불러오기를 거부했습니다. 이 파일은 코드를 실행하려 합니다({error})</translation>
    </message>
    <message>
        <source>{path}: damaged: corrupt or truncated trainer state ({error})</source>
        <translation>{path}: 손상됨: 학습기 상태가 깨졌거나 잘렸습니다({error})</translation>
    </message>
    <message>
        <source>{path}: damaged: not a trainer state</source>
        <translation>{path}: 손상됨: 학습기 상태 파일이 아닙니다</translation>
    </message>
    <message>
        <source>{path}: tensor {name} is {dtype}, the model expects {expected}</source>
        <translation>{path}: 텐서 {name}의 자료형은 {dtype}인데, 모델은 {expected}을(를) 기대합니다</translation>
    </message>
    <message>
        <source>{path}: weights do not fit the model in {file} ({error})</source>
        <translation>{path}: 가중치가 {file}의 모델과 맞지 않습니다({error})</translation>
    </message>
    <message>
        <source>only {accepted} of {n} samples reached confidence {threshold:g} in {drawn} draws (acceptance {rate:.1%}); lower the threshold</source>
        <translation>{drawn}번 뽑는 동안 샘플 {n}개 중 {accepted}개만 신뢰도 {threshold:g}에 도달했습니다(채택률 {rate:.1%}). 임계값을 낮추세요</translation>
    </message>
    <message>
        <source>A run is already training; stop it before starting another.</source>
        <translation>이미 학습 중인 실행이 있습니다. 다른 실행을 시작하기 전에 중지하세요.</translation>
    </message>
    <message>
        <source>Stopping: saving a checkpoint…</source>
        <translation>중지하는 중: 체크포인트를 저장하고 있습니다…</translation>
    </message>
    <message>
        <source>the training process ended unexpectedly; the last checkpoint is kept</source>
        <translation>학습 프로세스가 예기치 않게 끝났습니다. 마지막 체크포인트는 남아 있습니다</translation>
    </message>
    <message>
        <source>{run}: the training process ended unexpectedly; the last checkpoint is kept.</source>
        <translation>{run}: 학습 프로세스가 예기치 않게 끝났습니다. 마지막 체크포인트는 남아 있습니다.</translation>
    </message>
    <message>
        <source>Cannot show {path}: {reason}</source>
        <translation>{path}을(를) 표시할 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>{run}: training stopped with an error at {message}</source>
        <translation>{run}: 오류로 학습이 중지되었습니다: {message}</translation>
    </message>
    <message>
        <source>{run}: training stopped at step {step} (checkpoint saved).</source>
        <translation>{run}: 스텝 {step}에서 학습을 중지했습니다(체크포인트 저장됨).</translation>
    </message>
    <message>
        <source>{run}: training finished at step {step} (checkpoint saved).</source>
        <translation>{run}: 스텝 {step}에서 학습을 마쳤습니다(체크포인트 저장됨).</translation>
    </message>
    <message>
        <source>{run}: {message}</source>
        <translation>{run}: {message}</translation>
    </message>
    <message>
        <source>{run}: {message} (step {step})</source>
        <translation>{run}: {message} (스텝 {step})</translation>
    </message>
    <message>
        <source>{run}: re-seeded {n} dead codes at step {step}</source>
        <translation>{run}: 스텝 {step}에서 죽은 코드 {n}개를 다시 초기화했습니다</translation>
    </message>
    <message>
        <source>{run}: automatic dead-code restarts on from step {step}</source>
        <translation>{run}: 스텝 {step}부터 죽은 코드 자동 재시작 켜짐</translation>
    </message>
    <message>
        <source>{run}: automatic dead-code restarts off from step {step}</source>
        <translation>{run}: 스텝 {step}부터 죽은 코드 자동 재시작 꺼짐</translation>
    </message>
    <message>
        <source>loss part &apos;{part}&apos; became {value}</source>
        <translation>손실 항목 &apos;{part}&apos;의 값이 {value}(으)로 바뀌었습니다</translation>
    </message>
    <message>
        <source>no codes assigned yet since the last reset: train a few steps, then restart</source>
        <translation>마지막 초기화 이후 아직 할당된 코드가 없습니다. 몇 스텝 학습한 뒤 다시 재시작하세요</translation>
    </message>
    <message>
        <source>a resume keeps the run&apos;s own {setting}; it can change only {settings}</source>
        <translation>재개할 때 {setting} 설정은 실행의 원래 값을 유지합니다. 바꿀 수 있는 설정은 {settings}뿐입니다</translation>
    </message>
    <message>
        <source>{path}: no checkpoint to resume from ({file} missing)</source>
        <translation>{path}: 재개할 체크포인트가 없습니다({file} 파일 없음)</translation>
    </message>
    <message>
        <source>another training process stopped or lost its connection ({error})</source>
        <translation>다른 학습 프로세스가 멈췄거나 연결이 끊겼습니다 ({error})</translation>
    </message>
    <message>
        <source>{kind}: {error}</source>
        <translation>{kind}: {error}</translation>
    </message>
    <message>
        <source>{error} (the run is unchanged)</source>
        <translation>{error} (실행은 바뀌지 않았습니다)</translation>
    </message>
    <message>
        <source>{error} (nothing was trained)</source>
        <translation>{error} (아무것도 학습하지 않았습니다)</translation>
    </message>
    <message>
        <source>step {step}: {error}; last good checkpoint: step {checkpoint}</source>
        <translation>스텝 {step}: {error}; 마지막 정상 체크포인트: 스텝 {checkpoint}</translation>
    </message>
    <message>
        <source>step {step}: {error}; the run&apos;s checkpoint is unchanged</source>
        <translation>스텝 {step}: {error}; 실행의 체크포인트는 바뀌지 않았습니다</translation>
    </message>
    <message>
        <source>step {step}: {error}; no checkpoint was written</source>
        <translation>스텝 {step}: {error}; 체크포인트는 저장되지 않았습니다</translation>
    </message>
    <message>
        <source>this GPU has no bfloat16: train with --precision fp32</source>
        <translation>이 GPU는 bfloat16을 지원하지 않습니다: --precision fp32로 학습하세요</translation>
    </message>
    <message>
        <source>--precision bf16 is for CUDA and the CPU, not {device}</source>
        <translation>--precision bf16은 CUDA와 CPU용입니다 ({device}에서는 쓸 수 없습니다)</translation>
    </message>
    <message>
        <source>dataset {dataset} has shape {shape}, the model expects {expected}</source>
        <translation>데이터셋 {dataset}의 모양은 {shape}인데, 모델은 {expected}을(를) 기대합니다</translation>
    </message>
    <message>
        <source>the training processes do not see the same dataset or run (their sizes, steps or data differ): every machine needs the same dataset and, to resume, the same run directory</source>
        <translation>학습 프로세스들이 같은 데이터셋이나 실행을 보고 있지 않습니다 (크기, 스텝 또는 데이터가 다릅니다): 모든 머신에 같은 데이터셋이, 이어서 학습하려면 같은 실행 디렉터리가 있어야 합니다</translation>
    </message>
    <message>
        <source>learning rate must be positive, got {value}</source>
        <translation>학습률은 양수여야 하는데 {value}입니다</translation>
    </message>
    <message>
        <source>no phase {phase}; this model has {phases}</source>
        <translation>{phase} 단계가 없습니다. 이 모델의 단계: {phases}</translation>
    </message>
    <message>
        <source>{model} has no codebook: dead-code restarts do not apply</source>
        <translation>{model}에는 코드북이 없어서 죽은 코드 재시작을 쓸 수 없습니다</translation>
    </message>
    <message>
        <source>unknown command {command}</source>
        <translation>알 수 없는 명령 {command}</translation>
    </message>
    <message>
        <source>{duration} on this machine ({device})</source>
        <translation>이 컴퓨터({device})에서 {duration}</translation>
    </message>
    <message>
        <source>about {duration} on this machine ({device})</source>
        <translation>이 컴퓨터({device})에서 약 {duration}</translation>
    </message>
    <message>
        <source>an unknown time</source>
        <translation>알 수 없는 시간</translation>
    </message>
    <message>
        <source>under 5 s</source>
        <translation>5초 미만</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s}초</translation>
    </message>
    <message>
        <source>{min:g} min</source>
        <translation>{min:g}분</translation>
    </message>
    <message>
        <source>{min} min</source>
        <translation>{min}분</translation>
    </message>
    <message>
        <source>{h} h</source>
        <translation>{h}시간</translation>
    </message>
    <message>
        <source>{h} h {min} min</source>
        <translation>{h}시간 {min}분</translation>
    </message>
    <message>
        <source>{days} days</source>
        <translation>{days}일</translation>
    </message>
    <message>
        <source>a {model} prior is estimated from its VQ-VAE run, not a dataset</source>
        <translation>{model} 사전 분포의 학습 시간은 데이터셋이 아니라 해당 VQ-VAE 실행을 바탕으로 예상합니다</translation>
    </message>
    <message>
        <source>−ELBO {value:.1f}</source>
        <translation>−ELBO {value:.1f}</translation>
    </message>
    <message>
        <source>NLL {value:.1f}</source>
        <translation>−log p(x) {value:.1f}</translation>
    </message>
    <message>
        <source>{value:.0f} modes</source>
        <translation>모드 {value:.0f}개</translation>
    </message>
    <message>
        <source>{value:.0%} HQ</source>
        <translation>고품질 {value:.0%}</translation>
    </message>
    <message>
        <source>perplexity {value:.0f}</source>
        <translation>퍼플렉서티 {value:.0f}</translation>
    </message>
    <message>
        <source>{value:.0f} classes</source>
        <translation>클래스 {value:.0f}개</translation>
    </message>
    <message>
        <source>recon {value:.1f}</source>
        <translation>재구성 {value:.1f}</translation>
    </message>
    <message>
        <source>losses</source>
        <translation>D와 G의 손실</translation>
    </message>
    <message>
        <source>D outputs</source>
        <translation>D 출력</translation>
    </message>
    <message>
        <source>gradient norms</source>
        <translation>기울기 노름</translation>
    </message>
    <message>
        <source>VQ losses</source>
        <translation>VQ 손실</translation>
    </message>
    <message>
        <source>Loading PyTorch and the models…</source>
        <translation>PyTorch와 모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>Train autoencoders, VAEs, VQ-VAEs and GANs and look inside them</source>
        <translation>오토인코더, VAE, VQ-VAE, GAN을 학습시키고 그 속을 들여다봅니다</translation>
    </message>
    <message>
        <source>What is this? The idea and its formula, with the numbers on screen</source>
        <translation>개념 설명: 개념과 공식을 화면의 수치와 함께 보여 줍니다</translation>
    </message>
    <message>
        <source>Latent map</source>
        <translation>잠재 공간 지도</translation>
    </message>
    <message>
        <source>GAN monitor</source>
        <translation>GAN 모니터</translation>
    </message>
    <message>
        <source>Codebook</source>
        <translation>코드북</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>샘플 품질</translation>
    </message>
    <message>
        <source>encoder latents</source>
        <translation>인코더의 잠재 벡터</translation>
    </message>
    <message>
        <source>generator noise z</source>
        <translation>생성자의 노이즈 z</translation>
    </message>
    <message>
        <source>real vs generated (classifier features)</source>
        <translation>실제 대 생성 (분류기 특징)</translation>
    </message>
    <message>
        <source>label</source>
        <translation>레이블</translation>
    </message>
    <message>
        <source>reconstruction error</source>
        <translation>재구성 오차</translation>
    </message>
    <message>
        <source>split</source>
        <translation>데이터 분할</translation>
    </message>
    <message>
        <source>label of G(z)</source>
        <translation>G(z)의 레이블</translation>
    </message>
    <message>
        <source>classifier confidence</source>
        <translation>분류기 신뢰도</translation>
    </message>
    <message>
        <source>real or generated</source>
        <translation>실제 또는 생성</translation>
    </message>
    <message>
        <source>shape</source>
        <translation>모양</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>rotation</source>
        <translation>회전</translation>
    </message>
    <message>
        <source>train</source>
        <translation>학습 세트</translation>
    </message>
    <message>
        <source>test</source>
        <translation>테스트 세트</translation>
    </message>
    <message>
        <source>real</source>
        <translation>실제</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>생성</translation>
    </message>
    <message>
        <source>factor: {name}</source>
        <translation>요인: {name}</translation>
    </message>
    <message>
        <source>No checkpoint yet: the map appears after the first one.</source>
        <translation>아직 체크포인트가 없습니다. 첫 체크포인트가 저장되면 지도가 나타납니다.</translation>
    </message>
    <message>
        <source>Encoding the data ({source})…</source>
        <translation>데이터 인코딩 중 ({source})…</translation>
    </message>
    <message>
        <source>Encoding the data ({source})… {done:,} of {total:,}</source>
        <translation>데이터 인코딩 중 ({source})… {total:,}개 중 {done:,}개</translation>
    </message>
    <message>
        <source>Could not map this run: {message}</source>
        <translation>이 실행의 지도를 만들 수 없습니다: {message}</translation>
    </message>
    <message>
        <source>PCA map of {n} points.</source>
        <translation>점 {n}개의 PCA 지도.</translation>
    </message>
    <message>
        <source>Raw map of {n} points.</source>
        <translation>점 {n}개의 원시 좌표(raw) 지도.</translation>
    </message>
    <message>
        <source>{method} map (cached) of {n} points.</source>
        <translation>점 {n}개의 {method} 지도 (캐시됨).</translation>
    </message>
    <message>
        <source>{method} needs the map service, which is not running; showing PCA.</source>
        <translation>{method}에는 지도 서비스가 필요한데 실행 중이 아닙니다. PCA를 표시합니다.</translation>
    </message>
    <message>
        <source>PCA map of {n} points while a run trains in this window; the {method} map is computed when training pauses or stops.</source>
        <translation>이 창에서 실행이 학습하는 동안 점 {n}개의 PCA 지도를 표시합니다. {method} 지도는 학습이 일시 정지되거나 중지되면 계산합니다.</translation>
    </message>
    <message>
        <source>Computing the {method} map; PCA is shown meanwhile.</source>
        <translation>{method} 지도를 계산하는 중입니다. 그동안 PCA를 표시합니다.</translation>
    </message>
    <message>
        <source>Map service: {message}</source>
        <translation>지도 서비스: {message}</translation>
    </message>
    <message>
        <source>{method} map of {n} points ({seconds:.1f} s): fitted on {k} of them (a sample keeping each label&apos;s share), the rest placed by its transform.</source>
        <translation>점 {n}개의 {method} 지도 ({seconds:.1f}초): 그중 {k}개(레이블별 비율을 유지한 표본)로 학습하고, 나머지는 그 변환(transform)으로 배치했습니다.</translation>
    </message>
    <message>
        <source>{method} map of {n} points ({seconds:.1f} s).</source>
        <translation>점 {n}개의 {method} 지도 ({seconds:.1f}초).</translation>
    </message>
    <message>
        <source>{method} failed: {message}; showing PCA.</source>
        <translation>{method} 실패: {message}. PCA를 표시합니다.</translation>
    </message>
    <message>
        <source>compiling UMAP (first use in this session, about a minute)</source>
        <translation>UMAP 컴파일 중 (이 세션에서 처음 사용, 약 1분)</translation>
    </message>
    <message>
        <source>{method}: {stage}… (PCA shown meanwhile)</source>
        <translation>{method}: {stage}… (그동안 PCA를 표시)</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>그리기</translation>
    </message>
    <message>
        <source>Reparameterise</source>
        <translation>재매개변수화</translation>
    </message>
    <message>
        <source>Traversal</source>
        <translation>잠재 공간 순회</translation>
    </message>
    <message>
        <source>Interpolation</source>
        <translation>잠재 공간 보간</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>샘플링</translation>
    </message>
    <message>
        <source>Denoising</source>
        <translation>노이즈 제거 (denoising)</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>실행 비교</translation>
    </message>
    <message>
        <source>Rejection sampling</source>
        <translation>기각 샘플링</translation>
    </message>
    <message>
        <source>Losses</source>
        <translation>손실</translation>
    </message>
    <message>
        <source>The latent map appears once the run is loaded.</source>
        <translation>실행을 불러오면 잠재 공간 지도가 나타납니다.</translation>
    </message>
    <message>
        <source>The GAN monitor appears once the run is loaded.</source>
        <translation>실행을 불러오면 GAN 모니터가 나타납니다.</translation>
    </message>
    <message>
        <source>The codebook appears once the run is loaded.</source>
        <translation>실행을 불러오면 코드북이 나타납니다.</translation>
    </message>
    <message>
        <source>Sample quality appears once the run is loaded.</source>
        <translation>실행을 불러오면 샘플 품질이 나타납니다.</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>실행 목록</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>학습</translation>
    </message>
    <message>
        <source>Sample timeline</source>
        <translation>샘플 타임라인</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>Could not load the training libraries: {error}</source>
        <translation>학습 라이브러리를 불러올 수 없습니다: {error}</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>준비됨</translation>
    </message>
    <message>
        <source>Cannot open {path}: {reason}</source>
        <translation>{path}을(를) 열 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>Open a run directory</source>
        <translation>실행 폴더 열기</translation>
    </message>
    <message>
        <source>Open or select a run to duplicate first.</source>
        <translation>복제할 실행을 먼저 열거나 선택하세요.</translation>
    </message>
    <message>
        <source>Stopping and saving… the window closes once the checkpoint is written.</source>
        <translation>중지하고 저장하는 중… 체크포인트가 기록되면 창이 닫힙니다.</translation>
    </message>
    <message>
        <source>Stopping and saving…</source>
        <translation>중지하고 저장하는 중…</translation>
    </message>
    <message>
        <source>Code map of one input</source>
        <translation>입력 하나의 코드 지도</translation>
    </message>
    <message>
        <source>test image #</source>
        <translation>테스트 이미지 #</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>무작위</translation>
    </message>
    <message>
        <source>input</source>
        <translation>입력</translation>
    </message>
    <message>
        <source>reconstruction</source>
        <translation>재구성</translation>
    </message>
    <message>
        <source>after your edits</source>
        <translation>편집 후</translation>
    </message>
    <message>
        <source>code </source>
        <translation>코드 </translation>
    </message>
    <message>
        <source>Put in cell</source>
        <translation>셀에 넣기</translation>
    </message>
    <message>
        <source>Replace the chosen cell&apos;s code and decode the grid again</source>
        <translation>선택한 셀의 코드를 바꾸고 격자를 다시 디코딩합니다</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>되돌리기</translation>
    </message>
    <message>
        <source>Click a cell of the grid, a bar of the histogram or a code on the map.</source>
        <translation>격자의 셀, 히스토그램의 막대 또는 지도의 코드를 클릭하세요.</translation>
    </message>
    <message>
        <source>its codes (click a cell)</source>
        <translation>코드 (셀 클릭)</translation>
    </message>
    <message>
        <source>decoded after edits</source>
        <translation>편집 결과</translation>
    </message>
    <message>
        <source>Chosen cell:</source>
        <translation>선택한 셀:</translation>
    </message>
    <message>
        <source>The codebook (PCA of the codes)</source>
        <translation>코드북 (코드의 PCA)</translation>
    </message>
    <message>
        <source>The K code vectors mapped to 2-D: area ∝ use; red ✕: dead.</source>
        <translation>K개의 코드 벡터를 2차원에 나타냈습니다: 면적 ∝ 사용량, 빨간 ✕: 죽은 코드.</translation>
    </message>
    <message>
        <source>Top codes (global structure)</source>
        <translation>상위 코드 (전체 구조)</translation>
    </message>
    <message>
        <source>Bottom codes (local detail)</source>
        <translation>하위 코드 (세부 디테일)</translation>
    </message>
    <message>
        <source>VQ-VAE-2 level:</source>
        <translation>VQ-VAE-2 레벨:</translation>
    </message>
    <message>
        <source>The codebook panel is for VQ-VAE runs (vqvae) and PixelCNN priors over them.</source>
        <translation>코드북 화면은 VQ-VAE 실행(vqvae)과 그 위에서 학습한 PixelCNN 사전 분포 실행에서 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>Loading the dataset…</source>
        <translation>데이터셋 불러오는 중…</translation>
    </message>
    <message>
        <source>Counting code usage: encoding the training images into code grids…</source>
        <translation>코드 사용량 집계 중: 학습 이미지를 코드 격자로 인코딩하는 중…</translation>
    </message>
    <message>
        <source>Counting code usage: encoding the training images… {done:,} of {total:,}</source>
        <translation>코드 사용량 집계 중: 학습 이미지 인코딩 중… {total:,}개 중 {done:,}개</translation>
    </message>
    <message>
        <source>Mapping the codebook…</source>
        <translation>코드북 지도 만드는 중…</translation>
    </message>
    <message>
        <source>Code grids of {n:,} training images at step {step:,} ({h}×{w} codes each).</source>
        <translation>스텝 {step:,}에서 학습 이미지 {n:,}개의 코드 격자 (각각 {h}×{w}개 코드).</translation>
    </message>
    <message>
        <source>Codebook: {message}</source>
        <translation>코드북: {message}</translation>
    </message>
    <message>
        <source>Step {step:,}: re-seeded {codes} dead codes from encoder outputs ({restarts} restarts in this run so far).</source>
        <translation>스텝 {step:,}: 죽은 코드 {codes}개를 인코더 출력으로 다시 초기화했습니다 (이 실행에서 지금까지 재시작 {restarts}회).</translation>
    </message>
    <message>
        <source>Waiting for code usage (training writes it every few steps)…</source>
        <translation>코드 사용량을 기다리는 중 (학습이 몇 스텝마다 기록합니다)…</translation>
    </message>
    <message>
        <source>Click a cell of the grid first, then choose its new code.</source>
        <translation>먼저 격자의 셀을 클릭한 다음 새 코드를 고르세요.</translation>
    </message>
    <message>
        <source>Cell ({row}, {col}) holds </source>
        <translation>셀 ({row}, {col})의 </translation>
    </message>
    <message>
        <source>Cell ({row}, {col}) now holds </source>
        <translation>셀 ({row}, {col})에 새로 넣은 </translation>
    </message>
    <message>
        <source>code {code} (its uses appear once the images are encoded).</source>
        <translation>코드 {code} (이미지를 인코딩하면 사용량이 표시됩니다).</translation>
    </message>
    <message>
        <source>code {code}: &lt;b&gt;dead&lt;/b&gt;, no training image uses it.</source>
        <translation>코드 {code}: &lt;b&gt;죽은 코드&lt;/b&gt;, 이 코드를 쓰는 학습 이미지가 없습니다.</translation>
    </message>
    <message>
        <source>code {code}: {share:.2%} of all grid cells, in {images:,} of {total:,} training images.</source>
        <translation>코드 {code}: 전체 격자 셀의 {share:.2%}, 학습 이미지 {total:,}개 중 {images:,}개에서 사용.</translation>
    </message>
    <message>
        <source>The {n} training images using code {code} most (in {many} of their {cells} cells):</source>
        <translation>코드 {code}을(를) 가장 많이 쓰는 학습 이미지 {n}개 (셀 {cells}개 중 {many}개):</translation>
    </message>
    <message>
        <source>PixelCNN prior over the codes</source>
        <translation>코드에 대한 PixelCNN 사전 분포</translation>
    </message>
    <message>
        <source> epochs</source>
        <translation> 에폭</translation>
    </message>
    <message>
        <source>conditioned on the class</source>
        <translation>클래스 조건부</translation>
    </message>
    <message>
        <source>Train a PixelCNN prior</source>
        <translation>PixelCNN 사전 분포 학습</translation>
    </message>
    <message>
        <source>seed </source>
        <translation>시드 </translation>
    </message>
    <message>
        <source>Sample {n}</source>
        <translation>{n}개 샘플링</translation>
    </message>
    <message>
        <source>A new run: a gated PixelCNN learns which codes follow which, so new
code grids can be sampled and decoded into new images</source>
        <translation>새 실행: 게이트 PixelCNN이 어떤 코드 다음에 어떤 코드가 오는지 학습하여
새 코드 격자를 샘플링하고 새 이미지로 디코딩할 수 있게 합니다</translation>
    </message>
    <message>
        <source>Waits for the run&apos;s first checkpoint</source>
        <translation>실행의 첫 체크포인트를 기다립니다</translation>
    </message>
    <message>
        <source>Train the top-level prior</source>
        <translation>상위 레벨 사전 분포 학습</translation>
    </message>
    <message>
        <source>Train the bottom-level prior</source>
        <translation>하위 레벨 사전 분포 학습</translation>
    </message>
    <message>
        <source>A VQ-VAE-2 has a prior per level. First the top level: a PixelCNN with self-attention (PixelSNAIL-style) over the top codes. Open its run, listed under Runs, to train the bottom level&apos;s, which predicts each bottom code from the ones before it and from the top codes.</source>
        <translation>VQ-VAE-2는 레벨마다 사전 분포가 하나씩 있습니다. 먼저 상위 레벨: 상위 코드 위에서 셀프 어텐션(PixelSNAIL 방식)을 쓰는 PixelCNN입니다. 실행 목록에 나타나는 그 실행을 열어 하위 레벨의 사전 분포를 학습하세요. 하위 사전 분포는 각 하위 코드를 앞선 코드들과 상위 코드로부터 예측합니다.</translation>
    </message>
    <message>
        <source>The top level&apos;s prior over {vq_run}</source>
        <translation>{vq_run}의 상위 레벨 사전 분포</translation>
    </message>
    <message>
        <source>, {bits:.2f} bits per code on test grids</source>
        <translation>, 테스트 그리드에서 코드당 {bits:.2f}비트</translation>
    </message>
    <message>
        <source>It draws top codes only: train the bottom level&apos;s prior from here to draw images (top codes from this prior, then bottom codes).</source>
        <translation>이 사전 분포는 상위 코드만 뽑습니다. 이미지를 만들려면 여기서 하위 레벨 사전 분포를 학습하세요 (이 사전 분포에서 상위 코드를 뽑은 뒤 하위 코드를 뽑습니다).</translation>
    </message>
    <message>
        <source>Train a PixelCNN over this VQ-VAE&apos;s code grids to sample new images: it predicts each code from the ones above and to the left. The prior is a new run, listed under Runs; open it to sample here.</source>
        <translation>이 VQ-VAE의 코드 격자로 PixelCNN을 학습하면 새 이미지를 샘플링할 수 있습니다. PixelCNN은 각 코드를 위쪽과 왼쪽의 코드로부터 예측합니다. 사전 분포는 새 실행으로 실행 목록에 나타나며, 그 실행을 열면 여기에서 샘플링할 수 있습니다.</translation>
    </message>
    <message>
        <source>A {layers}-layer gated PixelCNN over the codes of {vq_run}, {bits:.2f} bits per code on test grids.</source>
        <translation>{vq_run}의 코드에 대한 {layers}층 게이트 PixelCNN, 테스트 격자에서 코드당 {bits:.2f} bits.</translation>
    </message>
    <message>
        <source>A {layers}-layer gated PixelCNN over the codes of {vq_run}.</source>
        <translation>{vq_run}의 코드에 대한 {layers}층 게이트 PixelCNN.</translation>
    </message>
    <message>
        <source>Sampling draws codes one position at a time, then decodes them.</source>
        <translation>샘플링은 한 번에 한 위치씩 코드를 뽑은 다음 디코딩합니다.</translation>
    </message>
    <message>
        <source>every class</source>
        <translation>모든 클래스</translation>
    </message>
    <message>
        <source>class {name}</source>
        <translation>클래스 {name}</translation>
    </message>
    <message>
        <source>Sampling codes position by position…</source>
        <translation>위치마다 차례로 코드 샘플링 중…</translation>
    </message>
    <message>
        <source>codes, most used first</source>
        <translation>코드 (많이 쓰인 순)</translation>
    </message>
    <message>
        <source>log₁₀(1 + uses)</source>
        <translation>log₁₀(1 + 사용 횟수)</translation>
    </message>
    <message>
        <source>uses</source>
        <translation>사용 횟수</translation>
    </message>
    <message>
        <source>{n} unused so far</source>
        <translation>아직 안 쓰인 코드 {n}개</translation>
    </message>
    <message>
        <source>{n} dead</source>
        <translation>죽은 코드 {n}개</translation>
    </message>
    <message>
        <source>Codebook usage</source>
        <translation>코드북 사용량</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>로그 눈금</translation>
    </message>
    <message>
        <source>restart dead codes automatically</source>
        <translation>죽은 코드 자동 재시작</translation>
    </message>
    <message>
        <source>Codes unused for a while are re-seeded from current encoder outputs.
Changes the training run for the rest of this session; set it for a
new run in the New run dialog or with train --no-restarts.</source>
        <translation>한동안 쓰이지 않은 코드를 현재 인코더 출력으로 다시 초기화합니다.
이 세션이 끝날 때까지 학습 중인 실행에 적용됩니다. 새 실행에서는
새 실행 대화 상자나 명령줄 옵션(train --no-restarts)으로 설정하세요.</translation>
    </message>
    <message>
        <source>Restart dead codes now</source>
        <translation>지금 죽은 코드 재시작</translation>
    </message>
    <message>
        <source>Re-seed every code unused so far this epoch from current encoder outputs</source>
        <translation>이번 에폭에서 지금까지 쓰이지 않은 모든 코드를 현재 인코더 출력으로 다시 초기화합니다</translation>
    </message>
    <message>
        <source>perplexity (per epoch)</source>
        <translation>퍼플렉서티 (에폭별)</translation>
    </message>
    <message>
        <source>codes used (per epoch)</source>
        <translation>사용된 코드 수 (에폭별)</translation>
    </message>
    <message>
        <source>step</source>
        <translation>스텝</translation>
    </message>
    <message>
        <source>over the training images under this checkpoint</source>
        <translation>(이 체크포인트의 학습 이미지 기준)</translation>
    </message>
    <message>
        <source>over all of epoch {epoch} (step {step:,})</source>
        <translation>(에폭 {epoch} 전체 기준, 스텝 {step:,})</translation>
    </message>
    <message>
        <source>so far in epoch {epoch} (step {step:,})</source>
        <translation>(에폭 {epoch}의 지금까지 기준, 스텝 {step:,})</translation>
    </message>
    <message>
        <source>{n:,} unused so far</source>
        <translation>아직 안 쓰인 코드 {n:,}개</translation>
    </message>
    <message>
        <source>{n:,} dead</source>
        <translation>죽은 코드 {n:,}개</translation>
    </message>
    <message>
        <source>&lt;b&gt;{used:,} of {K:,} codes used&lt;/b&gt; ({percent:.0f}%), {dead}, perplexity {ppl:.1f} {where}.</source>
        <translation>&lt;b&gt;코드 {K:,}개 중 {used:,}개 사용&lt;/b&gt; ({percent:.0f}%), {dead}, 퍼플렉서티 {ppl:.1f} {where}.</translation>
    </message>
    <message>
        <source>Perplexity is exp(entropy of use): K if every code were used equally, 1 for a single code.</source>
        <translation>퍼플렉서티(perplexity)는 exp(사용 분포의 엔트로피)입니다: 모든 코드가 고르게 쓰이면 K, 코드 하나만 쓰이면 1입니다.</translation>
    </message>
    <message>
        <source> (only while this window trains a VQ-VAE run)</source>
        <translation> (이 창에서 VQ-VAE 실행을 학습하는 동안에만)</translation>
    </message>
    <message>
        <source>Another run on the same dataset</source>
        <translation>같은 데이터셋의 다른 실행</translation>
    </message>
    <message>
        <source>Click a data point on either map: the same sample is ringed on both.</source>
        <translation>어느 지도에서든 데이터 점을 클릭하면 같은 샘플이 두 지도 모두에 고리로 표시됩니다.</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>비교 대상</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(없음)</translation>
    </message>
    <message>
        <source>Sample {row} (label {label}) is ringed on both maps.</source>
        <translation>샘플 {row} (레이블 {label})이(가) 두 지도 모두에 고리로 표시되었습니다.</translation>
    </message>
    <message>
        <source>gaussian</source>
        <translation>가우시안(gaussian)</translation>
    </message>
    <message>
        <source>masking</source>
        <translation>마스킹(masking)</translation>
    </message>
    <message>
        <source>saltpepper</source>
        <translation>소금·후추(saltpepper)</translation>
    </message>
    <message>
        <source>noisy</source>
        <translation>노이즈 섞인 입력</translation>
    </message>
    <message>
        <source>clean</source>
        <translation>깨끗한 입력</translation>
    </message>
    <message>
        <source>reconstructed</source>
        <translation>재구성 결과</translation>
    </message>
    <message>
        <source>Noise level</source>
        <translation>노이즈 세기</translation>
    </message>
    <message>
        <source>For denoising autoencoders (dae): open one to see what it does to noise.</source>
        <translation>노이즈 제거 오토인코더(dae)용입니다. 하나를 열면 노이즈를 어떻게 처리하는지 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>{kind} noise; trained at level {level:g}. Click a data point on the map to choose the input; the arrow goes from the noisy latent to the clean one.</source>
        <translation>{kind} 노이즈, 학습 때 세기 {level:g}. 지도에서 데이터 점을 클릭해 입력을 고르세요. 화살표는 노이즈 섞인 잠재 벡터에서 깨끗한 잠재 벡터로 향합니다.</translation>
    </message>
    <message>
        <source>{level:.2f}  (latent moved {shift:.2f})</source>
        <translation>{level:.2f}  (잠재 벡터 이동 {shift:.2f})</translation>
    </message>
    <message>
        <source>brush </source>
        <translation>브러시 </translation>
    </message>
    <message>
        <source>Radius of the pen, in pixels of the run&apos;s images</source>
        <translation>브러시 반지름 (실행 이미지의 픽셀 단위)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>캔버스로 복사</translation>
    </message>
    <message>
        <source>Put a test image on the canvas, to start from or to check where it lands</source>
        <translation>테스트 이미지를 캔버스에 올립니다. 여기서 시작하거나 그 이미지가 지도의 어디에 놓이는지 확인할 수 있습니다</translation>
    </message>
    <message>
        <source>The class given to a conditional model&apos;s encoder and decoder</source>
        <translation>조건부 모델의 인코더와 디코더에 주는 클래스</translation>
    </message>
    <message>
        <source>Add to the path</source>
        <translation>경로에 추가</translation>
    </message>
    <message>
        <source>Add this drawing&apos;s encoding as a waypoint of the interpolation path</source>
        <translation>이 그림의 인코딩을 보간 경로의 경유점으로 추가합니다</translation>
    </message>
    <message>
        <source>your drawing (left: draw, right: erase)</source>
        <translation>내 그림 (왼쪽: 그리기, 오른쪽: 지우기)</translation>
    </message>
    <message>
        <source>its reconstruction</source>
        <translation>그림의 재구성</translation>
    </message>
    <message>
        <source>Open a run with an encoder (AE, VAE, VQ-VAE) to draw an input for it.</source>
        <translation>입력을 그리려면 인코더가 있는 실행(AE, VAE, VQ-VAE)을 여세요.</translation>
    </message>
    <message>
        <source>This model has no encoder: a drawing cannot be placed in its latent space.</source>
        <translation>이 모델에는 인코더가 없어서 그림을 잠재 공간에 놓을 수 없습니다.</translation>
    </message>
    <message>
        <source>Drawing is for models of images; this run&apos;s data are points.</source>
        <translation>그리기는 이미지 모델용입니다. 이 실행의 데이터는 점입니다.</translation>
    </message>
    <message>
        <source>Draw a {h}x{w} input: the diamond on the map is where the encoder puts it, the ellipse its posterior q(z|x) (1σ).</source>
        <translation>{h}x{w} 입력을 그리세요. 지도의 마름모는 인코더가 그 입력을 놓는 곳이고, 타원은 사후 분포 q(z|x) (1σ)입니다.</translation>
    </message>
    <message>
        <source>Draw a {h}x{w} input: the diamond on the map is where the encoder puts it.</source>
        <translation>{h}x{w} 입력을 그리세요. 지도의 마름모는 인코더가 그 입력을 놓는 곳입니다.</translation>
    </message>
    <message>
        <source>Draw on the canvas, or copy a test image to start from.</source>
        <translation>캔버스에 그리거나, 시작점으로 테스트 이미지를 복사하세요.</translation>
    </message>
    <message>
        <source>On the map at ({x:.2f}, {y:.2f}), near the data ({off:.1f}× the local spacing).</source>
        <translation>지도의 ({x:.2f}, {y:.2f}) 위치, 데이터 가까이 (주변 데이터 간격의 {off:.1f}배).</translation>
    </message>
    <message>
        <source>On the map at ({x:.2f}, {y:.2f}), far from the data ({off:.1f}× the local spacing).</source>
        <translation>지도의 ({x:.2f}, {y:.2f}) 위치, 데이터에서 멀리 떨어짐 (주변 데이터 간격의 {off:.1f}배).</translation>
    </message>
    <message>
        <source>KL(q(z|x) ‖ p(z)) = {kl:.2f} nats; σ from {lo:.3f} to {hi:.3f}</source>
        <translation>KL(q(z|x) ‖ p(z)) = {kl:.2f} nats, σ는 {lo:.3f}에서 {hi:.3f}까지</translation>
    </message>
    <message>
        <source> (ellipse fitted to samples placed on the map)</source>
        <translation> (타원은 지도에 놓은 샘플에 맞춘 것)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Where a drawing lands&lt;/b&gt;: the encoder maps the input x to a code z = enc(x); the diamond is that code placed on the map. An autoencoder&apos;s codes are points, with gaps between them that decode to nothing in particular; a VAE&apos;s posterior q(z|x) covers a region instead.</source>
        <translation>&lt;b&gt;그림이 놓이는 곳&lt;/b&gt;: 인코더는 입력 x를 코드 z = 인코더(x)로 보냅니다. 마름모는 그 코드를 지도에 놓은 것입니다. 오토인코더(autoencoder)의 코드는 점이고, 점 사이의 빈 곳은 딱히 의미 있는 것으로 디코딩되지 않습니다. 반면 VAE의 사후 분포 q(z|x)는 한 영역을 덮습니다.</translation>
    </message>
    <message>
        <source>your drawing</source>
        <translation>내 그림</translation>
    </message>
    <message>
        <source>step {step:,}: {message}</source>
        <translation>스텝 {step:,}: {message}</translation>
    </message>
    <message>
        <source>Click to show the sample timeline at this step</source>
        <translation>클릭하면 이 스텝의 샘플 타임라인을 보여 줍니다</translation>
    </message>
    <message>
        <source>none so far</source>
        <translation>아직 없음</translation>
    </message>
    <message>
        <source>modes captured</source>
        <translation>포착된 모드 수</translation>
    </message>
    <message>
        <source>fraction within 3σ of a mode</source>
        <translation>모드의 3σ 안에 든 비율</translation>
    </message>
    <message>
        <source>reverse KL over modes (0: even)</source>
        <translation>모드에 대한 역방향 KL (0: 고름)</translation>
    </message>
    <message>
        <source>classes covered</source>
        <translation>포함된 클래스 수</translation>
    </message>
    <message>
        <source>label entropy (nats)</source>
        <translation>레이블 엔트로피 (nats)</translation>
    </message>
    <message>
        <source>diversity (generated / real)</source>
        <translation>다양성 (생성 / 실제)</translation>
    </message>
    <message>
        <source>near-duplicate pairs</source>
        <translation>거의 중복된 쌍</translation>
    </message>
    <message>
        <source>precision (k-NN, Kynkäänniemi et al.)</source>
        <translation>정밀도(precision, k-NN)</translation>
    </message>
    <message>
        <source>recall (k-NN): falls in a collapse</source>
        <translation>재현율(recall, k-NN): 붕괴 시 하락</translation>
    </message>
    <message>
        <source>coverage (k-NN, Naeem et al.)</source>
        <translation>커버리지(coverage, k-NN)</translation>
    </message>
    <message>
        <source>alert threshold</source>
        <translation>경고 임계값</translation>
    </message>
    <message>
        <source>{title} (undefined so far)</source>
        <translation>{title} (아직 정의되지 않음)</translation>
    </message>
    <message>
        <source>{title} (not logged)</source>
        <translation>{title} (기록되지 않음)</translation>
    </message>
    <message>
        <source>classifier&apos;s labels of generated samples</source>
        <translation>생성된 샘플에 분류기가 붙인 레이블</translation>
    </message>
    <message>
        <source>class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>evaluation</source>
        <translation>평가 회차</translation>
    </message>
    <message>
        <source>One column per evaluation; the brighter a cell, the larger the share of generated samples the classifier labels as that class. A collapsing G piles onto a few rows.</source>
        <translation>평가마다 한 열입니다. 셀이 밝을수록 분류기가 그 클래스로 분류한 생성 샘플의 비율이 큽니다. 모드 붕괴가 일어나는 G는 몇몇 행에 몰립니다.</translation>
    </message>
    <message>
        <source>Background: the discriminator&apos;s output D(x) at each point (red: D believes real data lies there, blue: fake). Black: real data. Green: the generator&apos;s samples G(z). Thin lines: a regular grid of noise z after G, showing how G stretches the noise onto the data.</source>
        <translation>배경: 각 점에서 판별자의 출력 D(x) (빨강: D가 실제 데이터가 있다고 판단, 파랑: 가짜). 검정: 실제 데이터. 초록: 생성자의 샘플 G(z). 가는 선: 규칙적인 노이즈 z 격자를 G에 통과시킨 것으로, G가 노이즈를 데이터 위로 어떻게 늘이는지 보여 줍니다.</translation>
    </message>
    <message>
        <source>Step D</source>
        <translation>D 스텝</translation>
    </message>
    <message>
        <source>Step G</source>
        <translation>G 스텝</translation>
    </message>
    <message>
        <source>Step both</source>
        <translation>D·G 스텝</translation>
    </message>
    <message>
        <source>One discriminator step, then pause</source>
        <translation>판별자 한 스텝 후 일시 정지</translation>
    </message>
    <message>
        <source>One generator step, then pause</source>
        <translation>생성자 한 스텝 후 일시 정지</translation>
    </message>
    <message>
        <source>One step of each, then pause</source>
        <translation>각각 한 스텝 후 일시 정지</translation>
    </message>
    <message>
        <source>Step mode:</source>
        <translation>스텝 모드:</translation>
    </message>
    <message>
        <source>Another run&apos;s coverage, dashed, beside this one&apos;s</source>
        <translation>다른 실행의 커버리지를 이 실행의 커버리지와 함께 점선으로 표시합니다</translation>
    </message>
    <message>
        <source>G&apos;s and D&apos;s losses, mean D(x) and D(G(z)) and both gradient norms are on the Losses tab. Red dotted lines, there and here, mark alerts.</source>
        <translation>G와 D의 손실, 평균 D(x)와 D(G(z)), 두 기울기 노름은 손실 탭에 있습니다. 거기와 여기의 빨간 점선은 경고를 표시합니다.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Alerts&lt;/b&gt; (click to see the samples at that step)</source>
        <translation>&lt;b&gt;경고&lt;/b&gt; (클릭하면 그 스텝의 샘플을 봅니다)</translation>
    </message>
    <message>
        <source>The GAN monitor is for adversarial runs (gan, dcgan, cgan).</source>
        <translation>GAN 모니터는 적대적 학습 실행(gan, dcgan, cgan)에서 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>Try a fix: a new run from this one with</source>
        <translation>해결 시도: 이 실행에서 다음 설정으로 새 실행</translation>
    </message>
    <message>
        <source>packing m = </source>
        <translation>패킹 m = </translation>
    </message>
    <message>
        <source>minibatch-std</source>
        <translation>미니배치 표준편차(minibatch-std)</translation>
    </message>
    <message>
        <source>D lr (same)</source>
        <translation>D 학습률 (동일)</translation>
    </message>
    <message>
        <source>G lr (same)</source>
        <translation>G 학습률 (동일)</translation>
    </message>
    <message>
        <source>Train it</source>
        <translation>이 설정으로 학습</translation>
    </message>
    <message>
        <source>smoothing </source>
        <translation>스무딩 </translation>
    </message>
    <message>
        <source>One-sided label smoothing: D&apos;s target for real data is 1 minus this</source>
        <translation>단측 레이블 스무딩: 실제 데이터에 대한 D의 목표값은 1에서 이 값을 뺀 값입니다</translation>
    </message>
    <message>
        <source>one step, then the run pauses</source>
        <translation>한 스텝 후 실행이 일시 정지됩니다</translation>
    </message>
    <message>
        <source>(available while this run trains here)</source>
        <translation>(이 창에서 이 실행을 학습하는 동안 사용 가능)</translation>
    </message>
    <message>
        <source>Waiting for the trainer&apos;s first weights…</source>
        <translation>학습기의 첫 가중치를 기다리는 중…</translation>
    </message>
    <message>
        <source>Toy view: {message}</source>
        <translation>토이 뷰: {message}</translation>
    </message>
    <message>
        <source>one D step</source>
        <translation>D 한 스텝</translation>
    </message>
    <message>
        <source>one G step</source>
        <translation>G 한 스텝</translation>
    </message>
    <message>
        <source>one step of D and of G</source>
        <translation>D와 G 각각 한 스텝</translation>
    </message>
    <message>
        <source>&lt;b&gt;G and D at step {step:,}&lt;/b&gt;: after {what} (grey dots: G(z) before it)</source>
        <translation>&lt;b&gt;스텝 {step:,}의 G와 D&lt;/b&gt;: {what} 후 (회색 점: 그 전의 G(z))</translation>
    </message>
    <message>
        <source>&lt;b&gt;G and D at step {step:,}&lt;/b&gt;</source>
        <translation>&lt;b&gt;스텝 {step:,}의 G와 D&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Step {step:,.0f}: {captured:.0f} of {n_modes} modes captured&lt;/b&gt;, {hq:.0f}% of samples high-quality (within 3σ of a mode).</source>
        <translation>&lt;b&gt;스텝 {step:,.0f}: 모드 {n_modes}개 중 {captured:.0f}개 포착&lt;/b&gt;, 고품질 비율 {hq:.0f}% (모드의 3σ 안).</translation>
    </message>
    <message>
        <source>A mode is captured when at least one of {n:,} generated samples lands within 3σ of it.</source>
        <translation>생성 샘플 {n:,}개 중 하나 이상이 모드의 3σ 안에 들면 그 모드가 포착된 것입니다.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Step {step:,.0f}: {classes:.0f} classes covered&lt;/b&gt;, label entropy {entropy:.2f} nats (the classifier&apos;s labels of generated samples).</source>
        <translation>&lt;b&gt;스텝 {step:,.0f}: 클래스 {classes:.0f}개 포함&lt;/b&gt;, 레이블 엔트로피 {entropy:.2f} nats (생성 샘플에 분류기가 붙인 레이블 기준).</translation>
    </message>
    <message>
        <source>No coverage measured yet: the run measures it every {n:,} steps.</source>
        <translation>아직 측정된 커버리지가 없습니다: 이 실행은 {n:,} 스텝마다 측정합니다.</translation>
    </message>
    <message>
        <source>No coverage measured yet: the run measures it at the end of each epoch.</source>
        <translation>아직 측정된 커버리지가 없습니다: 이 실행은 에폭이 끝날 때마다 측정합니다.</translation>
    </message>
    <message>
        <source>{setting}: type a number such as 1e-4</source>
        <translation>{setting}: 1e-4 같은 숫자를 입력하세요</translation>
    </message>
    <message>
        <source>D(x): 0 = sure it is fake, 1 = sure it is real</source>
        <translation>D(x): 0 = 가짜라고 확신, 1 = 진짜라고 확신</translation>
    </message>
    <message>
        <source>real data</source>
        <translation>실제 데이터</translation>
    </message>
    <message>
        <source>G(z): generated samples</source>
        <translation>G(z): 생성된 샘플</translation>
    </message>
    <message>
        <source>G(z) before the last step</source>
        <translation>마지막 스텝 이전의 G(z)</translation>
    </message>
    <message>
        <source>G of a grid of noise z</source>
        <translation>노이즈 z 격자의 G 출력</translation>
    </message>
    <message>
        <source>Add probe</source>
        <translation>프로브 추가</translation>
    </message>
    <message>
        <source>The point you last clicked on the map</source>
        <translation>지도에서 마지막으로 클릭한 점</translation>
    </message>
    <message>
        <source>Add sample</source>
        <translation>샘플 추가</translation>
    </message>
    <message>
        <source>The data point you last clicked on (its own latent)</source>
        <translation>마지막으로 클릭한 데이터 점 (그 점 자신의 잠재 벡터)</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Draw path</source>
        <translation>경로 그리기</translation>
    </message>
    <message>
        <source>While on, drag on the map to draw a path; its points are lifted to latents</source>
        <translation>켜 두면 지도 위를 드래그해 경로를 그립니다. 경로의 점은 잠재 벡터로 옮겨집니다</translation>
    </message>
    <message>
        <source>linear</source>
        <translation>선형</translation>
    </message>
    <message>
        <source>slerp</source>
        <translation>구면 선형 보간(slerp)</translation>
    </message>
    <message>
        <source>Spherical interpolation keeps the norm of Gaussian latents typical along the way</source>
        <translation>구면 보간은 가우시안 잠재 벡터의 노름을 경로 내내 전형적인 값으로 유지합니다</translation>
    </message>
    <message>
        <source> frames</source>
        <translation> 프레임</translation>
    </message>
    <message>
        <source>Add two or more waypoints, or draw a path.</source>
        <translation>경유점을 두 개 이상 추가하거나 경로를 그리세요.</translation>
    </message>
    <message>
        <source>Save PNG…</source>
        <translation>PNG 저장…</translation>
    </message>
    <message>
        <source>Save GIF…</source>
        <translation>GIF 저장…</translation>
    </message>
    <message>
        <source>Click the map first: the probe is where you clicked.</source>
        <translation>먼저 지도를 클릭하세요. 클릭한 곳이 프로브입니다.</translation>
    </message>
    <message>
        <source>probe at ({x:.2f}, {y:.2f})</source>
        <translation>({x:.2f}, {y:.2f})의 프로브</translation>
    </message>
    <message>
        <source>Click on a data point first: it becomes the selected sample.</source>
        <translation>먼저 데이터 점을 클릭하세요. 그 점이 선택한 샘플이 됩니다.</translation>
    </message>
    <message>
        <source>sample {row} (label {label})</source>
        <translation>샘플 {row} (레이블 {label})</translation>
    </message>
    <message>
        <source>Drag on the map to draw a path.</source>
        <translation>지도 위를 드래그해 경로를 그리세요.</translation>
    </message>
    <message>
        <source>freehand path ({n} points)</source>
        <translation>손으로 그린 경로 (점 {n}개)</translation>
    </message>
    <message>
        <source>{n} frames, along the drawn path.</source>
        <translation>프레임 {n}개, 그린 경로를 따라.</translation>
    </message>
    <message>
        <source>{n} frames, {mode}.</source>
        <translation>프레임 {n}개, {mode}.</translation>
    </message>
    <message>
        <source>2-D data: the path&apos;s decoded points are shown on the map.</source>
        <translation>2차원 데이터: 경로를 디코딩한 점은 지도에 표시됩니다.</translation>
    </message>
    <message>
        <source>Save the strip as {kind}</source>
        <translation>보간 결과를 {kind}(으)로 저장</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>저장했습니다: {path}</translation>
    </message>
    <message>
        <source>raw (2-D latents)</source>
        <translation>원시 좌표(raw, 2차원 잠재 벡터)</translation>
    </message>
    <message>
        <source>Click or drag on the map to decode · Shift+drag or right-drag to pan · wheel to zoom</source>
        <translation>지도를 클릭하거나 드래그하면 디코딩합니다 · 시프트(Shift)+드래그 또는 오른쪽 버튼 드래그로 이동 · 휠로 확대/축소</translation>
    </message>
    <message>
        <source>How the latents are laid out in 2-D. PCA is exact and instant; UMAP and t-SNE keep neighbours together and replace PCA when ready.</source>
        <translation>잠재 벡터를 2차원에 배치하는 방법입니다. PCA는 정확하고 즉시 계산됩니다. UMAP과 t-SNE는 이웃한 점을 가까이 유지하며, 준비되면 PCA를 대체합니다.</translation>
    </message>
    <message>
        <source>What the colour of each point shows</source>
        <translation>각 점의 색이 나타내는 값</translation>
    </message>
    <message>
        <source>GANs have no encoder: map the generator&apos;s noise, or real and generated images in the classifier&apos;s feature space</source>
        <translation>GAN에는 인코더가 없습니다. 생성자의 노이즈를 지도로 그리거나, 실제 이미지와 생성된 이미지를 분류기의 특징 공간에 그립니다</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>표시</translation>
    </message>
    <message>
        <source>all</source>
        <translation>전부</translation>
    </message>
    <message>
        <source>How many samples are encoded and drawn (a sample keeping each label&apos;s share when the data has more). More takes longer to encode and map; above 20,000 UMAP is fitted on a sample and places the rest.</source>
        <translation>인코딩해서 그릴 샘플 수입니다 (데이터가 더 많으면 레이블별 비율을 유지한 표본). 많을수록 인코딩과 지도 계산이 오래 걸립니다. 20,000개를 넘으면 UMAP은 표본으로 학습하고 나머지는 배치합니다.</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>지도</translation>
    </message>
    <message>
        <source>Colour by</source>
        <translation>색 기준</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>점 개수</translation>
    </message>
    <message>
        <source>Click the map
to decode a point.</source>
        <translation>지도를 클릭하면
점을 디코딩합니다.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Decoded at the probe&lt;/b&gt;</source>
        <translation>&lt;b&gt;프로브 위치의 디코딩 결과&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sample under the cursor&lt;/b&gt;</source>
        <translation>&lt;b&gt;커서 아래의 샘플&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Hover over
a point.</source>
        <translation>점 위에 마우스를
올려 보세요.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sample under the cursor&lt;/b&gt;&lt;br&gt;input | reconstruction</source>
        <translation>&lt;b&gt;커서 아래의 샘플&lt;/b&gt;&lt;br&gt;입력 | 재구성</translation>
    </message>
    <message>
        <source>Classifier feature space cannot be decoded: the nearest sample is shown.</source>
        <translation>분류기 특징 공간은 디코딩할 수 없습니다. 가장 가까운 샘플을 보여 줍니다.</translation>
    </message>
    <message>
        <source>far from the data: the decoder is extrapolating</source>
        <translation>데이터에서 멀리 떨어짐: 디코더가 외삽하고 있습니다</translation>
    </message>
    <message>
        <source>near the data</source>
        <translation>데이터 가까이</translation>
    </message>
    <message>
        <source>(distance to nearest point: {off:.1f}× the usual spacing of the data there)</source>
        <translation>(가장 가까운 점까지의 거리: 주변 데이터 간격의 {off:.1f}배)</translation>
    </message>
    <message>
        <source>label {label}</source>
        <translation>레이블 {label}</translation>
    </message>
    <message>
        <source>label {label}, reconstruction error {error:.4f}</source>
        <translation>레이블 {label}, 재구성 오차 {error:.4f}</translation>
    </message>
    <message>
        <source>label {label}, reconstruction error {error:.4f}, KL {kl:.1f} nats</source>
        <translation>레이블 {label}, 재구성 오차 {error:.4f}, KL {kl:.1f} nats</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>손실 (loss)</translation>
    </message>
    <message>
        <source>KL divergence</source>
        <translation>KL 발산</translation>
    </message>
    <message>
        <source>D loss</source>
        <translation>D 손실</translation>
    </message>
    <message>
        <source>G loss</source>
        <translation>G 손실</translation>
    </message>
    <message>
        <source>mean D(x)</source>
        <translation>D(x) 평균</translation>
    </message>
    <message>
        <source>mean D(G(z))</source>
        <translation>D(G(z)) 평균</translation>
    </message>
    <message>
        <source>commitment</source>
        <translation>커밋먼트</translation>
    </message>
    <message>
        <source>codebook</source>
        <translation>코드북 손실</translation>
    </message>
    <message>
        <source>gradient norm of D</source>
        <translation>D의 기울기 노름</translation>
    </message>
    <message>
        <source>gradient norm of G</source>
        <translation>G의 기울기 노름</translation>
    </message>
    <message>
        <source>bits per code</source>
        <translation>코드당 비트 수</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>평활화</translation>
    </message>
    <message>
        <source>Exponential moving average of the raw values (0 = none, 0.99 = heavy)</source>
        <translation>원래 값의 지수 이동 평균 (0 = 없음, 0.99 = 강함)</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>로그 스케일</translation>
    </message>
    <message>
        <source>x axis</source>
        <translation>x축</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>에폭</translation>
    </message>
    <message>
        <source>No losses yet: start a run, or open one.</source>
        <translation>아직 손실이 없습니다. 실행을 시작하거나 여세요.</translation>
    </message>
    <message>
        <source> (linear: values ≤ 0)</source>
        <translation> (선형: 0 이하인 값이 있음)</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{colour}&apos;&gt;(line: training, dots: test set)&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:{colour}&apos;&gt;(선: 학습, 점: 테스트 세트)&lt;/span&gt;</translation>
    </message>
    <message>
        <source>autoencoder: reconstruct the input through a small latent code</source>
        <translation>오토인코더: 작은 잠재 코드를 거쳐 입력을 재구성</translation>
    </message>
    <message>
        <source>denoising autoencoder: reconstruct the clean input from a corrupted copy</source>
        <translation>노이즈 제거 오토인코더: 손상된 사본에서 깨끗한 입력을 재구성</translation>
    </message>
    <message>
        <source>variational autoencoder: ELBO = reconstruction + KL, a prior to sample from</source>
        <translation>변분 오토인코더(VAE): ELBO = 재구성 + KL, 샘플링할 수 있는 사전 분포</translation>
    </message>
    <message>
        <source>conditional VAE: the class is given to encoder and decoder</source>
        <translation>조건부 VAE: 클래스를 인코더와 디코더에 함께 입력</translation>
    </message>
    <message>
        <source>VQ-VAE: a codebook of discrete codes instead of a continuous latent</source>
        <translation>VQ-VAE: 연속 잠재 벡터 대신 이산 코드의 코드북</translation>
    </message>
    <message>
        <source>VQ-VAE-2: top codes for the global shape, bottom codes for the detail (images only)</source>
        <translation>VQ-VAE-2: 상위 코드는 전체 모양, 하위 코드는 세부 디테일 (이미지 전용)</translation>
    </message>
    <message>
        <source>GAN with MLP generator and discriminator</source>
        <translation>MLP 생성자와 판별자로 된 GAN</translation>
    </message>
    <message>
        <source>DCGAN: convolutional generator and discriminator (images only)</source>
        <translation>DCGAN: 합성곱 생성자와 판별자 (이미지 전용)</translation>
    </message>
    <message>
        <source>conditional GAN: generate a chosen class</source>
        <translation>조건부 GAN: 선택한 클래스를 생성</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>에폭 동안</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>스텝 동안</translation>
    </message>
    <message>
        <source>bernoulli</source>
        <translation>베르누이(bernoulli)</translation>
    </message>
    <message>
        <source>{path} already holds a run; choose a new or empty folder.</source>
        <translation>{path}에 이미 실행이 있습니다. 새 폴더나 빈 폴더를 선택하세요.</translation>
    </message>
    <message>
        <source>output folder</source>
        <translation>출력 폴더 경로</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Choose the parent folder, or an empty folder, for the run</source>
        <translation>실행을 만들 상위 폴더 또는 빈 폴더를 선택합니다</translation>
    </message>
    <message>
        <source>How long to train</source>
        <translation>학습할 길이</translation>
    </message>
    <message>
        <source>Adam learning rate</source>
        <translation>Adam 학습률</translation>
    </message>
    <message>
        <source>Size of the latent vector z</source>
        <translation>잠재 벡터 z의 크기</translation>
    </message>
    <message>
        <source>Same seed, same run (on the CPU)</source>
        <translation>시드가 같으면 실행 결과도 같습니다 (CPU에서)</translation>
    </message>
    <message>
        <source>auto (GPU if there is one)</source>
        <translation>자동 (GPU가 있으면 GPU)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>데이터셋</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>출력 폴더</translation>
    </message>
    <message>
        <source>Train for</source>
        <translation>학습 길이</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>배치 크기</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>학습률</translation>
    </message>
    <message>
        <source>Latent dimension</source>
        <translation>잠재 차원</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>장치</translation>
    </message>
    <message>
        <source>Weight of the KL term (beta-VAE)</source>
        <translation>KL 항의 가중치 (beta-VAE)</translation>
    </message>
    <message>
        <source>Steps over which the KL weight ramps up from 0</source>
        <translation>KL 가중치가 0에서 서서히 올라가는 스텝 수</translation>
    </message>
    <message>
        <source>Noise std, or drop/flip probability</source>
        <translation>노이즈 표준편차, 또는 마스킹/뒤집기 확률</translation>
    </message>
    <message>
        <source>K, the number of codes</source>
        <translation>K, 코드의 개수</translation>
    </message>
    <message>
        <source>Length of each code vector</source>
        <translation>각 코드 벡터의 길이</translation>
    </message>
    <message>
        <source>VQ-VAE-2: K of the top level (the one above is the bottom level&apos;s)</source>
        <translation>VQ-VAE-2: 상위 레벨의 K (위 칸은 하위 레벨의 K)</translation>
    </message>
    <message>
        <source>Commitment loss weight (0.25 in the paper)</source>
        <translation>커밋먼트 손실 가중치 (논문에서는 0.25)</translation>
    </message>
    <message>
        <source>EMA codebook updates</source>
        <translation>EMA 코드북 업데이트</translation>
    </message>
    <message>
        <source>Restart dead codes</source>
        <translation>죽은 코드 재시작</translation>
    </message>
    <message>
        <source>non-saturating</source>
        <translation>비포화(non-saturating)</translation>
    </message>
    <message>
        <source>minimax (original)</source>
        <translation>미니맥스 (원래 방식)</translation>
    </message>
    <message>
        <source>PacGAN: samples per discriminator input (2-4 fight collapse)</source>
        <translation>PacGAN: 판별자 입력 하나에 묶는 샘플 수 (2-4이면 모드 붕괴(mode collapse)를 줄입니다)</translation>
    </message>
    <message>
        <source>Minibatch-std feature in D</source>
        <translation>D에 미니배치 표준편차 특성 추가</translation>
    </message>
    <message>
        <source>One-sided: real targets become 1 - this</source>
        <translation>단측: 실제 데이터의 목표값이 1 - 이 값이 됩니다</translation>
    </message>
    <message>
        <source>0 = same as the learning rate</source>
        <translation>0 = 학습률과 같음</translation>
    </message>
    <message>
        <source>KL weight β</source>
        <translation>KL 가중치 β</translation>
    </message>
    <message>
        <source>KL warm-up steps</source>
        <translation>KL 워밍업 스텝</translation>
    </message>
    <message>
        <source>Decoder</source>
        <translation>디코더 분포</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>노이즈 종류</translation>
    </message>
    <message>
        <source>Codebook size K</source>
        <translation>코드북 크기 K</translation>
    </message>
    <message>
        <source>Top codebook size K</source>
        <translation>상위 코드북 크기 K</translation>
    </message>
    <message>
        <source>Code dimension</source>
        <translation>코드 차원</translation>
    </message>
    <message>
        <source>Commitment β</source>
        <translation>커밋먼트 β</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>손실 함수</translation>
    </message>
    <message>
        <source>Packing m</source>
        <translation>패킹 m</translation>
    </message>
    <message>
        <source>Label smoothing</source>
        <translation>레이블 스무딩</translation>
    </message>
    <message>
        <source>D learning rate</source>
        <translation>D 학습률</translation>
    </message>
    <message>
        <source>G learning rate</source>
        <translation>G 학습률</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>학습 시작</translation>
    </message>
    <message>
        <source>Estimated time</source>
        <translation>예상 시간</translation>
    </message>
    <message>
        <source>folder: {path}</source>
        <translation>폴더: {path}</translation>
    </message>
    <message>
        <source>a folder of images…</source>
        <translation>이미지 폴더…</translation>
    </message>
    <message>
        <source>{dataset} (torchvision; needs the files or --download)</source>
        <translation>{dataset} — 토치비전(torchvision) 데이터셋, 파일 또는 다운로드 옵션(--download) 필요</translation>
    </message>
    <message>
        <source>New run</source>
        <translation>새 실행</translation>
    </message>
    <message>
        <source>Duplicate {name}</source>
        <translation>{name} 복제</translation>
    </message>
    <message>
        <source>The folder the run is written to: a new or empty folder (a bare name is made under {runs})</source>
        <translation>실행이 기록될 폴더: 새 폴더나 빈 폴더 (이름만 쓰면 {runs} 아래에 만들어집니다)</translation>
    </message>
    <message>
        <source>Folder of images (sub-folders are labels)</source>
        <translation>이미지 폴더 (하위 폴더가 레이블)</translation>
    </message>
    <message>
        <source>Packs a step: D judges this many packs of m samples and G makes m times as many samples (PacGAN&apos;s batch)</source>
        <translation>스텝당 묶음 수: D는 샘플 m개짜리 묶음을 이만큼 판별하고, G는 그 m배만큼 샘플을 만듭니다(PacGAN의 배치)</translation>
    </message>
    <message>
        <source>Output folder for the run</source>
        <translation>실행의 출력 폴더</translation>
    </message>
    <message>
        <source>Choose an output folder for the run.</source>
        <translation>실행의 출력 폴더를 선택하세요.</translation>
    </message>
    <message>
        <source>Choose a folder of images.</source>
        <translation>이미지 폴더를 선택하세요.</translation>
    </message>
    <message>
        <source>A number field is empty or not a number.</source>
        <translation>숫자 칸이 비어 있거나 숫자가 아닙니다.</translation>
    </message>
    <message>
        <source>Mixture components</source>
        <translation>혼합 성분 수</translation>
    </message>
    <message>
        <source>Fit mixture</source>
        <translation>혼합 분포 맞추기</translation>
    </message>
    <message>
        <source>Samples appear here.</source>
        <translation>여기에 샘플이 나타납니다.</translation>
    </message>
    <message>
        <source>N(0, I): the model&apos;s prior</source>
        <translation>N(0, I): 모델의 사전 분포</translation>
    </message>
    <message>
        <source>Gaussian mixture fitted on training latents</source>
        <translation>학습 잠재 벡터에 맞춘 가우시안 혼합</translation>
    </message>
    <message>
        <source>Open a run with a decoder to sample.</source>
        <translation>샘플링하려면 디코더가 있는 실행을 여세요.</translation>
    </message>
    <message>
        <source>z ~ N(0, I): what the model was trained to decode.</source>
        <translation>z ~ N(0, I): 모델이 디코딩하도록 학습된 분포입니다.</translation>
    </message>
    <message>
        <source>Fit a mixture on the training latents; then sample from it. For a plain autoencoder this is the only way to sample: it has no prior.</source>
        <translation>학습 잠재 벡터에 혼합 분포를 맞춘 뒤 그 분포에서 샘플링하세요. 일반 오토인코더는 사전 분포가 없으므로 이것이 유일한 샘플링 방법입니다.</translation>
    </message>
    <message>
        <source>Fitting a {k}-component mixture on {n} training latents…</source>
        <translation>학습 잠재 벡터 {n}개에 성분 {k}개짜리 혼합 분포를 맞추는 중…</translation>
    </message>
    <message>
        <source>Mixture of {k} components fitted; stars mark their means on the map.</source>
        <translation>성분 {k}개의 혼합 분포를 맞췄습니다. 지도의 별은 각 성분의 평균입니다.</translation>
    </message>
    <message>
        <source>Could not fit the mixture: {message}</source>
        <translation>혼합 분포를 맞추지 못했습니다: {message}</translation>
    </message>
    <message>
        <source>Fit the mixture first.</source>
        <translation>먼저 혼합 분포를 맞추세요.</translation>
    </message>
    <message>
        <source>2-D data: the samples are marked on the map as the probe moves.</source>
        <translation>2차원 데이터: 프로브가 움직이면 샘플이 지도에 표시됩니다.</translation>
    </message>
    <message>
        <source>What decides which samples are kept</source>
        <translation>어떤 샘플을 남길지 정하는 기준</translation>
    </message>
    <message>
        <source>Draw {n} samples</source>
        <translation>샘플 {n}개 뽑기</translation>
    </message>
    <message>
        <source>γ percentile </source>
        <translation>γ 백분위수 </translation>
    </message>
    <message>
        <source>DRS shifts each batch&apos;s scores by their percentile γ: higher keeps fewer, more realistic samples</source>
        <translation>판별자 기각 샘플링(DRS)은 각 배치의 점수를 그 배치의 γ 백분위수만큼 이동합니다. γ가 높을수록 더 적고 더 사실적인 샘플을 남깁니다</translation>
    </message>
    <message>
        <source>label must be the class asked for</source>
        <translation>레이블이 요청한 클래스와 같아야 함</translation>
    </message>
    <message>
        <source>Conditional models: also reject a sample the classifier gives another label</source>
        <translation>조건부 모델: 분류기가 다른 레이블을 붙인 샘플도 기각합니다</translation>
    </message>
    <message>
        <source>confidence threshold</source>
        <translation>신뢰도 임계값</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>남김</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>기각됨</translation>
    </message>
    <message>
        <source>Keep confidence ≥</source>
        <translation>남길 신뢰도 ≥</translation>
    </message>
    <message>
        <source>discriminator (DRS)</source>
        <translation>판별자(DRS)</translation>
    </message>
    <message>
        <source>this dataset</source>
        <translation>이 데이터셋</translation>
    </message>
    <message>
        <source>Open a run to rejection-sample from it.</source>
        <translation>기각 샘플링을 하려면 실행을 여세요.</translation>
    </message>
    <message>
        <source>No checkpoint yet: rejection sampling works once the run has saved one.</source>
        <translation>아직 체크포인트가 없습니다: 실행이 체크포인트를 저장하면 기각 샘플링을 할 수 있습니다.</translation>
    </message>
    <message>
        <source>{model} cannot generate new samples (it has no prior), so there is nothing to reject: open a VAE, GAN, VQ-VAE or PixelCNN run.</source>
        <translation>{model}은(는) 새 샘플을 생성할 수 없으므로(사전 분포가 없음) 기각할 것이 없습니다. VAE, GAN, VQ-VAE 또는 PixelCNN 실행을 여세요.</translation>
    </message>
    <message>
        <source>No classifier for {dataset}: it holds 2-D points, not images.</source>
        <translation>{dataset}에는 분류기가 없습니다: 이미지가 아니라 2차원 점 데이터입니다.</translation>
    </message>
    <message>
        <source>Use the discriminator (DRS) instead.</source>
        <translation>대신 판별자(DRS)를 사용하세요.</translation>
    </message>
    <message>
        <source>Classifier rejection sampling needs an image dataset (mnist5k, digits, shapes).</source>
        <translation>분류기 기각 샘플링에는 이미지 데이터셋(mnist5k, digits, shapes)이 필요합니다.</translation>
    </message>
    <message>
        <source>Grey: the training data. A sample is of high quality within 3 standard deviations of a mode&apos;s centre; a mode is captured when one lands there.</source>
        <translation>회색: 학습 데이터. 샘플이 모드 중심에서 표준편차 3배 안에 있으면 고품질이며, 그 안에 샘플이 하나라도 들면 모드가 포착된 것입니다.</translation>
    </message>
    <message>
        <source>Each side shows up to {n} of its samples, in the order they were drawn.</source>
        <translation>양쪽은 각각 최대 {n}개의 샘플을 뽑힌 순서대로 보여 줍니다.</translation>
    </message>
    <message>
        <source>Draw N samples; the {dataset} classifier labels each one. Samples it labels with confidence at or above the threshold are kept: blurry or ambiguous ones fall below it.</source>
        <translation>샘플 N개를 뽑으면 {dataset} 분류기가 각 샘플에 레이블을 붙입니다. 신뢰도가 임계값 이상인 샘플은 남고, 흐릿하거나 모호한 샘플은 임계값 아래로 떨어집니다.</translation>
    </message>
    <message>
        <source>Discriminator rejection sampling (Azadi et al. 2019): D scores each candidate, and it is kept with a probability that grows with how real D finds it. Candidates are drawn in batches until N are kept; a higher γ percentile keeps fewer, more realistic ones.</source>
        <translation>판별자 기각 샘플링(DRS, Azadi et al. 2019): D가 각 후보에 점수를 매기고, D가 진짜라고 볼수록 높아지는 확률로 후보를 남깁니다. N개가 남을 때까지 후보를 배치로 뽑습니다. γ 백분위수가 높을수록 더 적고 더 사실적인 샘플을 남깁니다.</translation>
    </message>
    <message>
        <source>Keep {n} samples</source>
        <translation>샘플 {n}개 남기기</translation>
    </message>
    <message>
        <source>drawing… (DRS scores a burn-in of {burn_in:,} candidates first, then keeps {n})</source>
        <translation>뽑는 중… (판별자 기각 샘플링(DRS)이 먼저 번인 후보 {burn_in:,}개의 점수를 매긴 뒤 {n}개를 남깁니다)</translation>
    </message>
    <message>
        <source>drawing… {done} of {total}</source>
        <translation>뽑는 중… {total}개 중 {done}개</translation>
    </message>
    <message>
        <source>Could not draw samples: {message}</source>
        <translation>샘플을 뽑지 못했습니다: {message}</translation>
    </message>
    <message>
        <source> (drawn at step {drawn}; the run is at step {now}: draw again)</source>
        <translation> (스텝 {drawn}에서 뽑음, 실행은 현재 스텝 {now}: 다시 뽑으세요)</translation>
    </message>
    <message>
        <source>Samples appear here after drawing.</source>
        <translation>뽑으면 여기에 샘플이 나타납니다.</translation>
    </message>
    <message>
        <source>acceptance rate {rate:.0%} ({kept} of {n} kept)</source>
        <translation>채택률 {rate:.0%} ({n}개 중 {kept}개 남김)</translation>
    </message>
    <message>
        <source>kept (confidence ≥ {threshold:.2f} and the class asked for): {n}</source>
        <translation>남김 (신뢰도 ≥ {threshold:.2f}, 요청한 클래스): {n}</translation>
    </message>
    <message>
        <source>kept (confidence ≥ {threshold:.2f}): {n}</source>
        <translation>남김 (신뢰도 ≥ {threshold:.2f}): {n}</translation>
    </message>
    <message>
        <source>rejected: {n}</source>
        <translation>기각: {n}</translation>
    </message>
    <message>
        <source>none kept: lower the threshold</source>
        <translation>남은 샘플 없음: 임계값을 낮추세요</translation>
    </message>
    <message>
        <source>none rejected</source>
        <translation>기각된 샘플 없음</translation>
    </message>
    <message>
        <source>acceptance rate {rate:.0%} ({accepted} of {proposed} candidates accepted; γ at the {percentile:.0f}th percentile)</source>
        <translation>채택률 {rate:.0%} (후보 {proposed}개 중 {accepted}개 채택, γ는 {percentile:.0f}번째 백분위수)</translation>
    </message>
    <message>
        <source>kept: {kept_hq:.0%} high quality, {kept_modes} of {n_modes} modes · all candidates: {all_hq:.0%} high quality, {all_modes} of {all_n_modes} modes</source>
        <translation>남김: 고품질 {kept_hq:.0%}, 모드 {n_modes}개 중 {kept_modes}개 · 전체 후보: 고품질 {all_hq:.0%}, 모드 {all_n_modes}개 중 {all_modes}개</translation>
    </message>
    <message>
        <source>kept by the discriminator: the first {n} accepted</source>
        <translation>판별자가 남김: 처음 채택된 {n}개</translation>
    </message>
    <message>
        <source>rejected: {n:,}</source>
        <translation>기각: {n:,}</translation>
    </message>
    <message>
        <source>rejected: {n:,} (the first {shown:,} shown)</source>
        <translation>기각: {n:,} (처음 {shown:,}개 표시)</translation>
    </message>
    <message>
        <source>none kept</source>
        <translation>남은 샘플 없음</translation>
    </message>
    <message>
        <source>the selected sample</source>
        <translation>선택한 샘플</translation>
    </message>
    <message>
        <source>How many samples z = μ + σ·ε to draw</source>
        <translation>뽑을 샘플 z = μ + σ·ε의 개수</translation>
    </message>
    <message>
        <source>Resample ε</source>
        <translation>ε 다시 뽑기</translation>
    </message>
    <message>
        <source>New draws of ε ~ N(0, I): the same μ and σ, other samples</source>
        <translation>ε ~ N(0, I)를 새로 뽑습니다. μ와 σ는 같고 샘플만 달라집니다</translation>
    </message>
    <message>
        <source>per latent dimension, highest KL first</source>
        <translation>잠재 차원별, KL이 큰 순서</translation>
    </message>
    <message>
        <source>Select a sample on the map (or draw one) to see its samples decoded.</source>
        <translation>지도에서 샘플을 선택하거나 직접 그리면, 그 입력에서 뽑은 z를 디코딩해 보여 줍니다.</translation>
    </message>
    <message>
        <source>Input:</source>
        <translation>입력:</translation>
    </message>
    <message>
        <source>z = μ + σ·ε, decoded:</source>
        <translation>z = μ + σ·ε의 디코딩 결과:</translation>
    </message>
    <message>
        <source>Open a run with an encoder (AE, VAE) to see how its encoder&apos;s output is sampled.</source>
        <translation>인코더 출력이 어떻게 샘플링되는지 보려면 인코더가 있는 실행(AE, VAE)을 여세요.</translation>
    </message>
    <message>
        <source>This model has no encoder, so no posterior q(z|x) to sample.</source>
        <translation>이 모델에는 인코더가 없어서 샘플링할 사후 분포 q(z|x)가 없습니다.</translation>
    </message>
    <message>
        <source>Draw something in the Draw dock first.</source>
        <translation>먼저 그리기 패널에서 무언가를 그리세요.</translation>
    </message>
    <message>
        <source>Click a data point on the map: its encoding is sampled here.</source>
        <translation>지도에서 데이터 점을 클릭하세요. 그 인코딩을 여기서 샘플링합니다.</translation>
    </message>
    <message>
        <source>test image #{index}</source>
        <translation>테스트 이미지 #{index}</translation>
    </message>
    <message>
        <source>training image #{index}</source>
        <translation>학습 이미지 #{index}</translation>
    </message>
    <message>
        <source>sample {row} (label {label}, {what})</source>
        <translation>샘플 {row} (레이블 {label}, {what})</translation>
    </message>
    <message>
        <source>{what}: q(z|x) = N(μ, σ²) per dimension; the cloud on the map is {n} samples z = μ + σ·ε.</source>
        <translation>{what}: 차원마다 q(z|x) = N(μ, σ²)입니다. 지도 위의 점 구름은 샘플 z = μ + σ·ε {n}개입니다.</translation>
    </message>
    <message>
        <source>{what}: an autoencoder&apos;s code is one point, not a distribution: every z is μ (compare a VAE, whose samples spread around it).</source>
        <translation>{what}: 오토인코더의 코드는 분포가 아니라 점 하나이므로 모든 z가 μ입니다 (샘플이 그 주위에 퍼지는 VAE와 비교해 보세요).</translation>
    </message>
    <message>
        <source>KL(q(z|x) ‖ p(z)) = Σ KL per dimension = {kl:.2f} nats (highest: {top}); σ from {lo:.3f} to {hi:.3f}.</source>
        <translation>KL(q(z|x) ‖ p(z)) = 차원별 KL의 Σ = {kl:.2f} nats (가장 큰 차원: {top}), σ는 {lo:.3f}에서 {hi:.3f}까지.</translation>
    </message>
    <message>
        <source>No σ: the same code decoded every time.</source>
        <translation>σ가 없습니다. 매번 같은 코드를 디코딩합니다.</translation>
    </message>
    <message>
        <source>2-D data: the samples are the cloud on the map.</source>
        <translation>2차원 데이터: 샘플은 지도 위의 점 구름입니다.</translation>
    </message>
    <message>
        <source>Timed from a few real training steps of these settings on this machine, times the steps of the run, plus each epoch&apos;s evaluation</source>
        <translation>이 설정으로 이 컴퓨터에서 실제 학습 스텝 몇 번을 잰 시간에 실행의 스텝 수를 곱하고, 에폭마다의 평가 시간을 더한 값입니다</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>계산하는 중…</translation>
    </message>
    <message>
        <source>no estimate: {reason}</source>
        <translation>예상 불가: {reason}</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행 이름</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>스텝 수</translation>
    </message>
    <message>
        <source>Last metrics</source>
        <translation>최근 지표</translation>
    </message>
    <message>
        <source>no checkpoint</source>
        <translation>체크포인트 없음</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>training</source>
        <translation>학습 중</translation>
    </message>
    <message>
        <source>New run…</source>
        <translation>새 실행…</translation>
    </message>
    <message>
        <source>Train a new model</source>
        <translation>새 모델을 학습합니다</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>열기…</translation>
    </message>
    <message>
        <source>Open any run directory (CLI runs too)</source>
        <translation>명령줄(CLI)로 만든 실행을 포함해 어떤 실행 폴더든 엽니다</translation>
    </message>
    <message>
        <source>Duplicate…</source>
        <translation>복제…</translation>
    </message>
    <message>
        <source>A new run with this run&apos;s settings, to change and train</source>
        <translation>이 실행의 설정으로 새 실행을 만들어, 설정을 바꾸고 학습합니다</translation>
    </message>
    <message>
        <source>{name} ({status})</source>
        <translation>{name} ({status})</translation>
    </message>
    <message>
        <source>Samples from the same fixed noise at every epoch.</source>
        <translation>에폭마다 같은 고정 노이즈에서 뽑은 샘플입니다.</translation>
    </message>
    <message>
        <source>One row per class, one column per fixed noise vector.</source>
        <translation>행마다 클래스 하나, 열마다 고정 노이즈 벡터 하나입니다.</translation>
    </message>
    <message>
        <source>Fixed test images (odd rows) above their reconstructions (even rows).</source>
        <translation>고정된 테스트 이미지(홀수 행) 아래에 그 재구성(짝수 행)이 있습니다.</translation>
    </message>
    <message>
        <source>2,500 samples from fixed noise (2-D data).</source>
        <translation>고정 노이즈에서 뽑은 샘플 2,500개 (2차원 데이터).</translation>
    </message>
    <message>
        <source>No samples yet.</source>
        <translation>아직 샘플이 없습니다.</translation>
    </message>
    <message>
        <source>Samples appear here after each epoch.</source>
        <translation>에폭이 끝날 때마다 여기에 샘플이 나타납니다.</translation>
    </message>
    <message>
        <source>Drag through past epochs</source>
        <translation>드래그하여 지난 에폭을 봅니다</translation>
    </message>
    <message>
        <source>Sample now</source>
        <translation>지금 샘플링</translation>
    </message>
    <message>
        <source>Render the timeline from the current weights (while training)</source>
        <translation>현재 가중치로 타임라인 샘플을 새로 만듭니다 (학습 중에 사용 가능)</translation>
    </message>
    <message>
        <source>epoch {epoch} · step {step}  ({index}/{count})</source>
        <translation>에폭 {epoch} · 스텝 {step}  ({index}/{count})</translation>
    </message>
    <message>
        <source>on demand · step {step}  ({index}/{count})</source>
        <translation>요청 시 · 스텝 {step}  ({index}/{count})</translation>
    </message>
    <message>
        <source>Resume this run from its last checkpoint and train for more epochs</source>
        <translation>이 실행을 마지막 체크포인트에서 재개하여 에폭을 더 학습합니다</translation>
    </message>
    <message>
        <source>No run open</source>
        <translation>열린 실행 없음</translation>
    </message>
    <message>
        <source> more epochs</source>
        <translation> 에폭 더</translation>
    </message>
    <message>
        <source>How much longer to train when continuing</source>
        <translation>이어서 학습할 때 더 학습할 양</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>이어서 학습</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>재개</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>Stop after the current step; a checkpoint is saved</source>
        <translation>현재 스텝이 끝나면 중지합니다. 체크포인트가 저장됩니다</translation>
    </message>
    <message>
        <source>Save now</source>
        <translation>지금 저장</translation>
    </message>
    <message>
        <source>Write a checkpoint now</source>
        <translation>지금 체크포인트를 저장합니다</translation>
    </message>
    <message>
        <source>e.g. 1e-4</source>
        <translation>예: 1e-4</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>적용</translation>
    </message>
    <message>
        <source>Change the learning rate of the running optimizer(s) now</source>
        <translation>실행 중인 옵티마이저의 학습률을 지금 바꿉니다</translation>
    </message>
    <message>
        <source>for</source>
        <translation>학습량:</translation>
    </message>
    <message>
        <source>Learning rate: type a positive number such as 1e-4</source>
        <translation>학습률: 1e-4 같은 양수를 입력하세요</translation>
    </message>
    <message>
        <source>{model} on {dataset} · {step} steps, {epoch} epochs so far</source>
        <translation>{dataset}의 {model} · 지금까지 {step} 스텝, {epoch} 에폭</translation>
    </message>
    <message>
        <source>now {lr:.3g}</source>
        <translation>현재 {lr:.3g}</translation>
    </message>
    <message>
        <source>Another run is training; stop it first</source>
        <translation>다른 실행이 학습 중입니다. 먼저 그 실행을 중지하세요</translation>
    </message>
    <message>
        <source>paused · %p%</source>
        <translation>일시 정지 · %p%</translation>
    </message>
    <message>
        <source>not training</source>
        <translation>학습 중 아님</translation>
    </message>
    <message>
        <source>epoch {epoch} · step {step}/{total} · {rate} · {left} left</source>
        <translation>에폭 {epoch} · 스텝 {step}/{total} · {rate} · 남은 시간 {left}</translation>
    </message>
    <message>
        <source>latent axes (by KL)</source>
        <translation>잠재 축 (KL 순)</translation>
    </message>
    <message>
        <source>principal axes (PCA)</source>
        <translation>주축 (PCA)</translation>
    </message>
    <message>
        <source>Reset to probe</source>
        <translation>프로브로 되돌리기</translation>
    </message>
    <message>
        <source>Set every slider to the coordinates of the last clicked point</source>
        <translation>모든 슬라이더를 마지막으로 클릭한 점의 좌표로 맞춥니다</translation>
    </message>
    <message>
        <source>Click the map or drag a slider.</source>
        <translation>지도를 클릭하거나 슬라이더를 드래그하세요.</translation>
    </message>
    <message>
        <source>Open a run with an encoder, then click the map.</source>
        <translation>인코더가 있는 실행을 연 다음 지도를 클릭하세요.</translation>
    </message>
    <message>
        <source>Directions</source>
        <translation>방향</translation>
    </message>
    <message>
        <source>Traversal needs a decodable latent space: open a run with an encoder or a generator.</source>
        <translation>순회에는 디코딩할 수 있는 잠재 공간이 필요합니다. 인코더나 생성자가 있는 실행을 여세요.</translation>
    </message>
    <message>
        <source>Finding the latent axes of {dims:,} dimensions…</source>
        <translation>{dims:,}개 차원의 잠재 축을 찾는 중…</translation>
    </message>
    <message>
        <source>Finding the principal axes of {dims:,} dimensions…</source>
        <translation>{dims:,}개 차원의 주축을 찾는 중…</translation>
    </message>
    <message>
        <source>Traversal: {message}</source>
        <translation>순회: {message}</translation>
    </message>
    <message>
        <source>{total:,} directions, the first {n} shown ({active} active)</source>
        <translation>방향 {total:,}개 중 처음 {n}개 표시 (활성 {active}개)</translation>
    </message>
    <message>
        <source>{n} directions, {active} active</source>
        <translation>방향 {n}개, 활성 {active}개</translation>
    </message>
    <message>
        <source>{shown}. Drag a slider: the decoded sample and the probe on the map follow.</source>
        <translation>{shown}. 슬라이더를 드래그하면 디코딩된 샘플과 지도 위의 프로브가 따라 움직입니다.</translation>
    </message>
    <message>
        <source> Grey: inactive units (posterior = prior; the decoder ignores them).</source>
        <translation> 회색: 비활성 유닛 (사후 분포 = 사전 분포, 디코더가 무시합니다).</translation>
    </message>
    <message>
        <source>inactive: Var(E[z|x]) &lt; 0.01</source>
        <translation>비활성: Var(E[z|x]) &lt; 0.01</translation>
    </message>
    <message>
        <source>Starting the training process…</source>
        <translation>학습 프로세스를 시작하는 중…</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>정밀도</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>재현율</translation>
    </message>
    <message>
        <source>density</source>
        <translation>밀도</translation>
    </message>
    <message>
        <source>coverage</source>
        <translation>커버리지</translation>
    </message>
    <message>
        <source>Open a run that generates samples (a VAE, a GAN, a VQ-VAE&apos;s prior) to see how good they are.</source>
        <translation>샘플을 생성하는 실행(VAE, GAN, VQ-VAE의 사전 분포)을 열면 샘플이 얼마나 좋은지 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Another run on the same data, its curves dashed beside this one&apos;s</source>
        <translation>같은 데이터의 다른 실행: 그 곡선을 이 실행의 곡선 옆에 점선으로 그립니다</translation>
    </message>
    <message>
        <source>FID</source>
        <translation>FID(프레셰 거리)</translation>
    </message>
    <message>
        <source>FID (lower is better)</source>
        <translation>FID(낮을수록 좋음)</translation>
    </message>
    <message>
        <source>k-NN figures (1 = as the data)</source>
        <translation>k-NN 지표(1 = 데이터와 같음)</translation>
    </message>
    <message>
        <source>Where the samples fail</source>
        <translation>샘플이 실패하는 곳</translation>
    </message>
    <message>
        <source>Measure now and show the failures</source>
        <translation>지금 측정하고 실패 사례 보기</translation>
    </message>
    <message>
        <source>Draw {n:,} samples from this checkpoint and compare them with as many test images (in the background)</source>
        <translation>이 체크포인트에서 샘플 {n:,}개를 뽑아 같은 수의 테스트 이미지와 비교합니다(백그라운드에서)</translation>
    </message>
    <message>
        <source>Samples no test image is near</source>
        <translation>가까운 테스트 이미지가 없는 샘플</translation>
    </message>
    <message>
        <source>Test images no sample is near</source>
        <translation>가까운 샘플이 없는 테스트 이미지</translation>
    </message>
    <message>
        <source>This run has logged no sample quality (runs trained before it was measured, or no evaluation yet: each epoch&apos;s end, or every few hundred steps for a GAN, measures it). &lt;i&gt;Measure now&lt;/i&gt; measures this checkpoint.</source>
        <translation>이 실행에는 기록된 샘플 품질이 없습니다(품질을 재기 전에 학습한 실행이거나 아직 평가가 없습니다. 에폭이 끝날 때마다, GAN은 수백 스텝마다 측정합니다). &lt;i&gt;지금 측정&lt;/i&gt;을 누르면 이 체크포인트를 측정합니다.</translation>
    </message>
    <message>
        <source>in the {name} classifier&apos;s features</source>
        <translation>{name} 분류기의 특징 공간에서</translation>
    </message>
    <message>
        <source>in the {name} coordinates</source>
        <translation>{name} 좌표에서</translation>
    </message>
    <message>
        <source>Last evaluation (step {step:,}), {where}: FID &lt;b&gt;{fid}&lt;/b&gt;, {figures}.</source>
        <translation>마지막 평가(스텝 {step:,}), {where}: FID &lt;b&gt;{fid}&lt;/b&gt;, {figures}.</translation>
    </message>
    <message>
        <source>The data&apos;s own figures could not be measured: {reason}</source>
        <translation>데이터 자체의 지표를 측정하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>The data against itself (training split vs test split): FID {fid:.1f}, precision {p:.2f}, recall {r:.2f}, density {d:.2f}, coverage {c:.2f}. A collapsing generator keeps its precision and loses recall and coverage.</source>
        <translation>데이터끼리 비교(학습 분할 대 테스트 분할): FID {fid:.1f}, 정밀도 {p:.2f}, 재현율 {r:.2f}, 밀도 {d:.2f}, 커버리지 {c:.2f}. 붕괴하는 생성자는 정밀도는 유지하고 재현율과 커버리지를 잃습니다.</translation>
    </message>
    <message>
        <source>This run has no checkpoint that generates yet.</source>
        <translation>이 실행에는 아직 샘플을 생성할 체크포인트가 없습니다.</translation>
    </message>
    <message>
        <source>2-D data: the GAN monitor&apos;s toy view shows every sample on the plane.</source>
        <translation>2차원 데이터: GAN 모니터의 토이 뷰가 모든 샘플을 평면에 보여 줍니다.</translation>
    </message>
    <message>
        <source>Comparing {n:,} samples with {n:,} test images…</source>
        <translation>샘플 {n:,}개를 테스트 이미지 {n:,}개와 비교하는 중…</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>실패: {reason}</translation>
    </message>
    <message>
        <source>Now, {n:,} samples against {n:,} test images: FID {fid:.1f}, precision {p:.2f}, recall {r:.2f}, density {d:.2f}, coverage {c:.2f}.</source>
        <translation>지금, 샘플 {n:,}개 대 테스트 이미지 {n:,}개: FID {fid:.1f}, 정밀도 {p:.2f}, 재현율 {r:.2f}, 밀도 {d:.2f}, 커버리지 {c:.2f}.</translation>
    </message>
    <message>
        <source>Made, never seen: {k:,} of {n:,} samples are in no test image&apos;s k-NN ball (precision&apos;s failures)</source>
        <translation>만들었지만 데이터에 없음: 샘플 {n:,}개 중 {k:,}개가 어떤 테스트 이미지의 k-NN 공에도 들지 않습니다(정밀도의 실패)</translation>
    </message>
    <message>
        <source>Never made: {k:,} of {n:,} test images have no sample in their k-NN ball (coverage&apos;s failures)</source>
        <translation>만들지 못함: 테스트 이미지 {n:,}개 중 {k:,}개는 k-NN 공 안에 샘플이 없습니다(커버리지의 실패)</translation>
    </message>
    <message>
        <source>Every sample is near a test image.</source>
        <translation>모든 샘플이 어떤 테스트 이미지 가까이에 있습니다.</translation>
    </message>
    <message>
        <source>Every test image has a sample near it.</source>
        <translation>모든 테스트 이미지 가까이에 샘플이 있습니다.</translation>
    </message>
    <message>
        <source>Training stopped at step {step} (checkpoint saved).</source>
        <translation>스텝 {step}에서 학습을 중지했습니다 (체크포인트 저장됨).</translation>
    </message>
    <message>
        <source>Training finished at step {step} (checkpoint saved).</source>
        <translation>스텝 {step}에서 학습을 마쳤습니다 (체크포인트 저장됨).</translation>
    </message>
    <message>
        <source>No samples saved yet: the sample timeline fills at each epoch&apos;s end.</source>
        <translation>아직 저장된 샘플이 없습니다. 샘플 타임라인은 에폭이 끝날 때마다 채워집니다.</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>알림 닫기</translation>
    </message>
    <message>
        <source>{thousands:.1f}k samples/s</source>
        <translation>초당 샘플 {thousands:.1f}천 개</translation>
    </message>
    <message>
        <source>{rate:.0f} samples/s</source>
        <translation>초당 샘플 {rate:.0f}개</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>타임라인</translation>
    </message>
    <message>
        <source>Interpolate</source>
        <translation>보간</translation>
    </message>
    <message>
        <source>Rejection</source>
        <translation>기각</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>Traverse</source>
        <translation>순회</translation>
    </message>
    <message>
        <source>Denoise</source>
        <translation>노이즈 제거</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New run…</source>
        <translation>새 실행(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Open run…</source>
        <translation>실행 열기(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Duplicate run…</source>
        <translation>실행 복제(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <source>image A</source>
        <translation>이미지 A</translation>
    </message>
    <message>
        <source>image B</source>
        <translation>이미지 B</translation>
    </message>
    <message>
        <source>top of A + bottom of B</source>
        <translation>A의 상위 + B의 하위</translation>
    </message>
    <message>
        <source>top of B + bottom of A</source>
        <translation>B의 상위 + A의 하위</translation>
    </message>
    <message>
        <source>Swap the levels of two images</source>
        <translation>두 이미지의 레벨 바꾸기</translation>
    </message>
    <message>
        <source>image A: test #</source>
        <translation>이미지 A: 테스트 #</translation>
    </message>
    <message>
        <source>image B: test #</source>
        <translation>이미지 B: 테스트 #</translation>
    </message>
    <message>
        <source>VQ-VAE-2 means its top codes to hold the global shape and its bottom codes the local detail; each swapped picture shows how much of an image went into which level.</source>
        <translation>VQ-VAE-2는 상위 코드에 전체 모양을, 하위 코드에 세부 디테일을 담도록 설계되었습니다. 바꾼 그림을 보면 이미지의 무엇이 어느 레벨에 담겼는지 알 수 있습니다.</translation>
    </message>
    <message>
        <source>this PyTorch has no torch.distributed: train on one process</source>
        <translation>이 PyTorch에는 torch.distributed가 없습니다: 프로세스 하나로 학습하세요</translation>
    </message>
    <message>
        <source>{n} samples ({pack} to a pack)</source>
        <translation>샘플 {n}개 (팩당 {pack}개)</translation>
    </message>
    <message>
        <source>{n} samples</source>
        <translation>샘플 {n}개</translation>
    </message>
    <message>
        <source>a batch of {unit} does not split evenly over {world} processes: choose a --batch-size that does</source>
        <translation>{unit} 배치는 프로세스 {world}개에 고르게 나뉘지 않습니다: 나누어떨어지는 --batch-size를 고르세요</translation>
    </message>
    <message>
        <source>folder:{path}: its cache in {where} is unreadable ({error}): delete that folder to decode the images again</source>
        <translation>folder:{path}: {where}의 캐시를 읽을 수 없습니다 ({error}): 그 폴더를 지우면 이미지를 다시 디코딩합니다</translation>
    </message>
    <message>
        <source>folder:{path}: its cache {file} is truncated ({have} of {want} bytes): delete {where} to decode the images again</source>
        <translation>folder:{path}: 캐시 {file}이(가) 잘려 있습니다 ({want}바이트 중 {have}바이트): {where}을(를) 지우면 이미지를 다시 디코딩합니다</translation>
    </message>
    <message>
        <source>folder:{path}: its cache in {where} has {got} labels for {n} images: delete that folder to decode the images again</source>
        <translation>folder:{path}: {where}의 캐시에 이미지 {n}개에 대한 레이블이 {got}개 있습니다: 그 폴더를 지우면 이미지를 다시 디코딩합니다</translation>
    </message>
    <message>
        <source>folder:{path}: decoding {n} images at --image-size {size} needs {need:.1f} GiB in {where}, more than the {free:.1f} GiB free; set LATENT_EXPLORER_CACHE to a larger disk</source>
        <translation>folder:{path}: 이미지 {n}개를 --image-size {size}로 디코딩하려면 {where}에 {need:.1f} GiB가 필요한데, 남은 공간 {free:.1f} GiB보다 많습니다; LATENT_EXPLORER_CACHE를 더 큰 디스크로 지정하세요</translation>
    </message>
</context>
</TS>
