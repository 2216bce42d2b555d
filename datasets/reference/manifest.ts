// The reference data sets Lunar's tests and suites read (../shared/data/<name>/, README
// "Reference data"): for each, the repository and commit it comes from and every file with its
// sha256. A file is either `upstream` (byte-identical to that path in the repository at that
// commit, checked by its git blob hash against the repository itself) or `derived` (filtered,
// converted or computed for this data, so no upstream URL serves it: `lunar data pull` says so and
// leaves it out; it comes only with a copy of the reference data). The READMEs are not listed:
// they were written for this data and describe it, and no test reads them.

export interface UpstreamFile {
  /** Where it goes in the set's folder. */
  path: string;
  sha256: string;
  /** Its path in the source repository at the pinned commit. */
  upstream: string;
}

export interface DerivedFile {
  path: string;
  sha256: string;
  /** How it was made from the source, in a few words. */
  derived: string;
}

export type ReferenceFile = UpstreamFile | DerivedFile;

export interface ReferenceSet {
  what: string;
  source: { repo: string; commit: string; licence: string };
  files: readonly ReferenceFile[];
}

export const REFERENCE_SETS = {
  bfcl: {
    what: 'BFCL v4 simple_python, multiple, parallel, irrelevance, and BFCL checker verdicts on 4,689 outputs',
    source: { repo: 'ShishirPatil/gorilla', commit: '6ea57973c7a6097fd7c5915698c54c17c5b1b6c8', licence: 'Apache-2.0' },
    files: [
      { path: 'BFCL_v4_irrelevance.json', sha256: '2b6ed4c2e992cdcf5f1678a701851f944bef7550ee026ed1ddb89efed5be01a6', upstream: 'berkeley-function-call-leaderboard/bfcl_eval/data/BFCL_v4_irrelevance.json' },
      { path: 'BFCL_v4_multiple.json', sha256: 'aef168155ebd74b7ac2401198b201343bc7d16d7a3d7e0d4e6d8ee82c6969b2a', upstream: 'berkeley-function-call-leaderboard/bfcl_eval/data/BFCL_v4_multiple.json' },
      { path: 'BFCL_v4_parallel.json', sha256: '19f51a82eff42e5d62541aa500115a056eb78f437c2ba1f10415fd7c8e5dda84', upstream: 'berkeley-function-call-leaderboard/bfcl_eval/data/BFCL_v4_parallel.json' },
      { path: 'BFCL_v4_simple_python.json', sha256: '82dd63ba502eb2520c6b5d1d9a5c4b590e03ff261565175561f6228a367d1991', upstream: 'berkeley-function-call-leaderboard/bfcl_eval/data/BFCL_v4_simple_python.json' },
      { path: 'checker_verdicts_dev.jsonl', sha256: 'c86732557c3778083a997232ecd21e2e8b8da5db3d98bcd2b23bab39be8b331a', derived: "BFCL's eval_checker/ast_checker.py run on decoded outputs written for this data" },
      { path: 'possible_answer/BFCL_v4_multiple.json', sha256: '244e00ce9395df948bcafc7bee64e8f9c87ef70887587d83cae45b13699f3047', upstream: 'berkeley-function-call-leaderboard/bfcl_eval/data/possible_answer/BFCL_v4_multiple.json' },
      { path: 'possible_answer/BFCL_v4_parallel.json', sha256: '8a6aa19c1adddc6a5a2f7e40f9dbf30cc7e95815e7b830c90589ab318229e0f0', upstream: 'berkeley-function-call-leaderboard/bfcl_eval/data/possible_answer/BFCL_v4_parallel.json' },
      { path: 'possible_answer/BFCL_v4_simple_python.json', sha256: '90cd5bc653690ee8e459b5b3f3fc9458606f7f3fcbf795bb51b7dc581f8c86dc', upstream: 'berkeley-function-call-leaderboard/bfcl_eval/data/possible_answer/BFCL_v4_simple_python.json' },
    ],
  },
  vaswani: {
    what: 'Vaswani/NPL: 11,429 documents, the 47 odd-numbered queries and their qrels',
    source: { repo: 'terrier-org/pyterrier', commit: '9230fe5dc85358027ecda53d330a542e41a270cd', licence: 'MPL-2.0 (PyTerrier); Glasgow research collection' },
    files: [
      { path: 'doc-text.trec', sha256: '117ae7491647cb9725621bad52969a78307de19b1757852a0a2383659a856d36', upstream: 'tests/fixtures/vaswani_npl/corpus/doc-text.trec' },
      { path: 'qrels.odd', sha256: 'f2b11fd7fb24ca2a456523990c19ca639a6461fcebbf94c7cbe5bd4350a80d81', derived: 'the judgments of the odd-numbered queries in qrels (the even ones are held out)' },
      { path: 'query-text.odd.trec', sha256: 'a7fa3e50108b8e703309d28c2b23955ba15c262f7074ca12c0f56807493b673a', derived: 'the odd-numbered queries of query-text.trec (the even ones are held out)' },
    ],
  },
  tau_bench: {
    what: 'τ-bench airline and retail environments, GPT-4o airline rewards, replay goldens',
    source: { repo: 'sierra-research/tau-bench', commit: '59a200c6d575d595120f1cb70fea53cef0632f6b', licence: 'MIT' },
    files: [
      { path: 'LICENSE', sha256: '243d23d45b80122b5ac575586ccef352fdc9c45e6d7d2605449aca8a17478b42', upstream: 'LICENSE' },
      { path: 'airline/flights.json', sha256: '444d7565c68434a3e3fb72efd717f9f9cd5c56dce227f6f56e078f1cb0ed233a', upstream: 'tau_bench/envs/airline/data/flights.json' },
      { path: 'airline/reservations.json', sha256: '1cf0bbc58ad984be9de7c24dba6dd27393f94cdbd482d8524f6a54db1f561a8c', upstream: 'tau_bench/envs/airline/data/reservations.json' },
      { path: 'airline/tasks.test.json', sha256: '95cd740b3b9b08ad447330c41e716ebea25c7d41973a50b3e54ba6f8aa9f858b', derived: 'the tasks of tau_bench/envs/airline/tasks_test.py, as JSON' },
      { path: 'airline/tools.json', sha256: 'c7b3791a7b2f35a919e40f592e136915a06deb940ec4bac0c11fd481715702ff', derived: "each tool's get_info(), in τ-bench's order, as JSON" },
      { path: 'airline/users.json', sha256: 'bd264e2a31e0fa35cdfef8987e70a0dd3776828b582fe90e7a44823a12eb4cea', upstream: 'tau_bench/envs/airline/data/users.json' },
      { path: 'airline/wiki.md', sha256: '56c335801c16e26b54f600f9db99eb04d31db477e86eb160341d5c66b796c5c8', upstream: 'tau_bench/envs/airline/wiki.md' },
      { path: 'goldens/airline.replay.dev.jsonl', sha256: '4d273e79c47301cb5533588e69741b0e6c95ff27919cc62ace12b77ec626c437', derived: "ground-truth actions replayed by τ-bench's own tool code" },
      { path: 'goldens/gpt-4o-airline.trajectories.dev.json', sha256: 'acbed025407be95c27581925d0b05c0853321d9248d6d1fac5de45d3b814457f', derived: 'airline tasks 0-24 of historical_trajectories/gpt-4o-airline.json' },
      { path: 'goldens/gpt-4o-airline.trajectories.dev.rewards.jsonl', sha256: '2829b875dbbf2e25c4aead98a6674d48ddc3af299b4c8c1d7508c67ada0498fe', derived: "those trajectories re-scored by τ-bench's own code" },
      { path: 'goldens/retail.replay.dev.jsonl', sha256: 'da718e125e69d146ed9a52b393b64a521cd09556a74fa3e7bd8fb27da94f4c31', derived: "ground-truth actions replayed by τ-bench's own tool code" },
      { path: 'goldens/retail.replay.train.jsonl', sha256: 'c5b595867b20596ab7760679a76c2063cd54c52f32e151aa0b9ab13f532e5bb6', derived: "ground-truth actions replayed by τ-bench's own tool code" },
      { path: 'gpt-4o-airline.rewards.json', sha256: '8d50f4d3bb377842de24dc0aea5891a3d68eb232d398efba67a4404e977e9966', derived: 'task_id, trial and reward of historical_trajectories/gpt-4o-airline.json, with pass^k' },
      { path: 'reference/base.py', sha256: '1ad0402073f0ac9ca6b527efa0706e2aa8836dd2e5c1d453ed414ecb768c6d21', upstream: 'tau_bench/envs/base.py' },
      { path: 'reference/retail_rules.py', sha256: 'f4450639d5a21713953685e0a430b8cfd4f359db3fdd4de45ff228449b05c812', upstream: 'tau_bench/envs/retail/rules.py' },
      { path: 'reference/tool_calling_agent.py', sha256: '2d4a02ccd14cb6bdbbeafde49d5d682690625875feb6c9506f903bf98b0792f8', upstream: 'tau_bench/agents/tool_calling_agent.py' },
      { path: 'reference/tools/airline/__init__.py', sha256: '98cbafc429cf917a088112b652ec6ef8641b509f0981c04047875f90ec4967f3', upstream: 'tau_bench/envs/airline/tools/__init__.py' },
      { path: 'reference/tools/airline/book_reservation.py', sha256: '927ca66e6bf289d27582c939d7300ee028ed0a237e2592afed160265f9953304', upstream: 'tau_bench/envs/airline/tools/book_reservation.py' },
      { path: 'reference/tools/airline/calculate.py', sha256: '3be497428304817e4dae17222dc9d1d41a27d28bf0abc2a613687a6e890d70fe', upstream: 'tau_bench/envs/airline/tools/calculate.py' },
      { path: 'reference/tools/airline/cancel_reservation.py', sha256: '5dd83916f9dce20a4bac6ecf45c2f4555ae28f0981339c7d237d3f98af2e6b98', upstream: 'tau_bench/envs/airline/tools/cancel_reservation.py' },
      { path: 'reference/tools/airline/get_reservation_details.py', sha256: '3c45957d9489e4226000de99f015c67ca5cc920f867c5a5739edba20cd920b6b', upstream: 'tau_bench/envs/airline/tools/get_reservation_details.py' },
      { path: 'reference/tools/airline/get_user_details.py', sha256: '50cd80bee1fa2da99852ebd37289964f0b5f34994d9f34104f7d6953216fa7c4', upstream: 'tau_bench/envs/airline/tools/get_user_details.py' },
      { path: 'reference/tools/airline/list_all_airports.py', sha256: '8c6921b793ce6e93bfa18024e40fa1136f8c4e8204f8fa6f0248beaf674651ba', upstream: 'tau_bench/envs/airline/tools/list_all_airports.py' },
      { path: 'reference/tools/airline/search_direct_flight.py', sha256: 'ca64bab422da436c0ab9e3a77135f786ca934e8cb917d502f0dbab2847716c78', upstream: 'tau_bench/envs/airline/tools/search_direct_flight.py' },
      { path: 'reference/tools/airline/search_onestop_flight.py', sha256: '205b32a28de70bff29f8846c875964af78c6d6d94685bf79579861b3308efa3d', upstream: 'tau_bench/envs/airline/tools/search_onestop_flight.py' },
      { path: 'reference/tools/airline/send_certificate.py', sha256: 'd067a526d0a3579cd4a814fa14d231a62da4854520124ff2af8969f16715a773', upstream: 'tau_bench/envs/airline/tools/send_certificate.py' },
      { path: 'reference/tools/airline/think.py', sha256: 'ff2b17409d3d6fade8657e2ada46b0b50e33c6570502cba4ec0202652c51ffa5', upstream: 'tau_bench/envs/airline/tools/think.py' },
      { path: 'reference/tools/airline/transfer_to_human_agents.py', sha256: 'd3f105f8a8efc11e8dbb039b12e9e1d86d7c1f1ae16a26bd2bbf41cde2b21db6', upstream: 'tau_bench/envs/airline/tools/transfer_to_human_agents.py' },
      { path: 'reference/tools/airline/update_reservation_baggages.py', sha256: '5b72dc0fcd0a2ae21bb116ddc0a76dcc5d2fc2c71dec1fae75942f24f5d6eafd', upstream: 'tau_bench/envs/airline/tools/update_reservation_baggages.py' },
      { path: 'reference/tools/airline/update_reservation_flights.py', sha256: '58ef41d20d5ba53782dce1bbcbd514aaa6fcb0670980f54070d8263ab9f8b985', upstream: 'tau_bench/envs/airline/tools/update_reservation_flights.py' },
      { path: 'reference/tools/airline/update_reservation_passengers.py', sha256: '6ed46b57dc3c6c487219720a10f116774686046f11868c747493ae9a703d2957', upstream: 'tau_bench/envs/airline/tools/update_reservation_passengers.py' },
      { path: 'reference/tools/retail/__init__.py', sha256: 'db8f1252a01eaa333ee409d78858d5dcf5cdc2f27c24bc6d941615ccd2ac54df', upstream: 'tau_bench/envs/retail/tools/__init__.py' },
      { path: 'reference/tools/retail/calculate.py', sha256: '2c3380802673493843ef6d7f3e569e2aed52265ca0b9f7ac248346828d0c75f7', upstream: 'tau_bench/envs/retail/tools/calculate.py' },
      { path: 'reference/tools/retail/cancel_pending_order.py', sha256: 'c33151a896b62ac87ed1bcbcbd62dabcd47c8c1eaf47bbb5e2f15f8b6283b19d', upstream: 'tau_bench/envs/retail/tools/cancel_pending_order.py' },
      { path: 'reference/tools/retail/exchange_delivered_order_items.py', sha256: 'd547d44b28e97513d4a15714d4bd2bbca13f76827bfe06b71e1b51a742f44489', upstream: 'tau_bench/envs/retail/tools/exchange_delivered_order_items.py' },
      { path: 'reference/tools/retail/find_user_id_by_email.py', sha256: 'a289f00eb689146f102d97951d6e7b29c9c639314c203efbfcd888f893d91560', upstream: 'tau_bench/envs/retail/tools/find_user_id_by_email.py' },
      { path: 'reference/tools/retail/find_user_id_by_name_zip.py', sha256: '22c176ffc285b25db573e0e38d82d678e2641298c6d1318f69d2582d52eb7433', upstream: 'tau_bench/envs/retail/tools/find_user_id_by_name_zip.py' },
      { path: 'reference/tools/retail/get_order_details.py', sha256: 'ca6c23cc89c1e981251b9adb1e6d705e364ff942aee986b12335b36e94281056', upstream: 'tau_bench/envs/retail/tools/get_order_details.py' },
      { path: 'reference/tools/retail/get_product_details.py', sha256: '9578fb31b5e092361a5d0e5d4a8e2afe4b8fb4a96d279d031b01266d9b5c768d', upstream: 'tau_bench/envs/retail/tools/get_product_details.py' },
      { path: 'reference/tools/retail/get_user_details.py', sha256: 'f22b59126c2a2aaa102f39dea778653a9298d1902477dd5246509d019318e8d3', upstream: 'tau_bench/envs/retail/tools/get_user_details.py' },
      { path: 'reference/tools/retail/list_all_product_types.py', sha256: '63b9f562f893bab36fc6fb91da92978ba9c106f2d6fad88aee3ca20801e4a2e3', upstream: 'tau_bench/envs/retail/tools/list_all_product_types.py' },
      { path: 'reference/tools/retail/modify_pending_order_address.py', sha256: '8f23d24511078ca10818fac8501db358ad699584952233d696a695e78993d001', upstream: 'tau_bench/envs/retail/tools/modify_pending_order_address.py' },
      { path: 'reference/tools/retail/modify_pending_order_items.py', sha256: 'f1a39d42e42c162dc961afa7f1b4d29c73c5a3710a3b9dff318a076213b6c858', upstream: 'tau_bench/envs/retail/tools/modify_pending_order_items.py' },
      { path: 'reference/tools/retail/modify_pending_order_payment.py', sha256: '6c2d4c329fae0d66d50bd48cb6ae9520167137f8b20d3385fa407aa5b03d2fe5', upstream: 'tau_bench/envs/retail/tools/modify_pending_order_payment.py' },
      { path: 'reference/tools/retail/modify_user_address.py', sha256: 'b1f8ac2141056ccee668824d6ab124ce659ea3574e7b186b39af3f558c07ac61', upstream: 'tau_bench/envs/retail/tools/modify_user_address.py' },
      { path: 'reference/tools/retail/return_delivered_order_items.py', sha256: '7d92e8962c17e5fa9c8e3240d21e31fc1adf5e68100c92bb0f67e0a67ea5b7bf', upstream: 'tau_bench/envs/retail/tools/return_delivered_order_items.py' },
      { path: 'reference/tools/retail/think.py', sha256: '9d9423922fcdc98578c1d6544f35d28ff155e9a5a172355b662db326ef7eb1fc', upstream: 'tau_bench/envs/retail/tools/think.py' },
      { path: 'reference/tools/retail/transfer_to_human_agents.py', sha256: '2b6d4685da53f72709b28b60e14e1897947ac366bc7ecee6d2b7c7169a3d95a6', upstream: 'tau_bench/envs/retail/tools/transfer_to_human_agents.py' },
      { path: 'reference/types.py', sha256: '38c2e79f48f9ac87fbdd7bb763c3ef7e8a825cd3de3998f51b12ecf55733b9db', upstream: 'tau_bench/types.py' },
      { path: 'reference/user.py', sha256: 'ab24eeed85e6261eb2f45420432d84a390cc39b82fc5910b8a4ccd3cee36f07e', upstream: 'tau_bench/envs/user.py' },
      { path: 'retail/orders.json', sha256: '2598a12586d28f2d6bd16bc86f4c800029b6af18e0abb5c475ef5c869c11ced1', upstream: 'tau_bench/envs/retail/data/orders.json' },
      { path: 'retail/products.json', sha256: 'a9eabcc1a9742c5f5288c2779acce52b9308423383ed24706bbaf0889f762a0f', upstream: 'tau_bench/envs/retail/data/products.json' },
      { path: 'retail/tasks.dev.json', sha256: 'a5fbc07c6aa1de3a2e237fc778145e1fc6060e4d1177f5b1e642a4fd67263427', derived: 'the tasks of tau_bench/envs/retail/tasks_dev.py, as JSON' },
      { path: 'retail/tasks.test.json', sha256: '4a67a82bf3f1a45aa60560fd60f7001a75e822aba1e20590e98871acd080089f', derived: 'the tasks of tau_bench/envs/retail/tasks_test.py, as JSON' },
      { path: 'retail/tasks.train.json', sha256: '92c44af5f1bc79139c14252b2e0019fcbf628753408908d611cedc7b0d841ee0', derived: 'the tasks of tau_bench/envs/retail/tasks_train.py, as JSON' },
      { path: 'retail/tools.json', sha256: '833272a8817f6fa3eb54fc3694e0ce16e9685c72bf4ecc2b35639bd564acd235', derived: "each tool's get_info(), in τ-bench's order, as JSON" },
      { path: 'retail/users.json', sha256: '6f4fd104cc5e80b92166c4035315c31532c6cea52a90dcdf18425ee7f87c2b82', upstream: 'tau_bench/envs/retail/data/users.json' },
      { path: 'retail/wiki.md', sha256: 'd539fd2a46a8b8dd2e934ff9ed92f43e9f6b56bc7a718db8d2803ba8ad8f6bf7', upstream: 'tau_bench/envs/retail/wiki.md' },
    ],
  },
  llmbar: {
    what: 'LLMBar Natural (100) and Adversarial/Neighbor (134) pairs with human gold',
    source: { repo: 'princeton-nlp/LLMBar', commit: '900616bff90b6c6c8e1681f7d079250637c55992', licence: 'MIT' },
    files: [
      { path: 'adversarial_neighbor.json', sha256: '6712c7eda6342602e0bc7c06c282fa95e2110d4e741a284026a62d937f9780a0', upstream: 'Dataset/LLMBar/Adversarial/Neighbor/dataset.json' },
      { path: 'natural.json', sha256: 'f7127b7aa78104cb8e03a2b1b3ac0077e95b125714dd441a8ee63666145a3375', upstream: 'Dataset/LLMBar/Natural/dataset.json' },
    ],
  },
  halueval: {
    what: 'HaluEval general, even IDs: 2,253 rows with human yes/no labels',
    source: { repo: 'RUCAIBox/HaluEval', commit: 'b7253db3cdaa0ab2c382f92b26b390109174f77e', licence: 'MIT' },
    files: [
      { path: 'general_data.even.jsonl', sha256: 'a16c1a7ed7db0a3093163ae9ceddd8179251bc7947265457cdf63af00eb905f5', derived: 'the rows of data/general_data.json with an even ID (the odd ones are held out)' },
    ],
  },
  squad: {
    what: 'SQuAD 2.0 "Normans" article: 39 paragraphs, 208 questions',
    source: { repo: 'deepset-ai/haystack', commit: '3ffdb0a9a3a11d581401415e58bf04b29d888ecd', licence: 'CC BY-SA 4.0 (text); Apache-2.0 (repository)' },
    files: [
      { path: 'normans.json', sha256: 'e5b15dec88bc1ce260551892f96511f91ab30220aa0295e27376c2389856abe8', derived: 'the Normans article of test/samples/squad/small.json (the other article is held out)' },
    ],
  },
  trec_eval: {
    what: 'trec_eval 9.0.8 test qrels and run, its golden outputs, a tiny hand-checked case',
    source: { repo: 'usnistgov/trec_eval', commit: 'd95ca64e14a47d763ae349fb65e6d8cde4141dbd', licence: 'NIST public-service notice' },
    files: [
      { path: 'golden.q.c.M10.txt', sha256: '76ba3078254e699cea4e5b9400e753fb4c6a4d93ed315424996341af65f6a4b8', derived: "trec_eval 9.0.8's output" },
      { path: 'golden.q.c.counts.txt', sha256: '95651a3329ecfed9d1528e6e4b3e4e316f3cbbe8fab1d983b41aa27cfeeba640', derived: "trec_eval 9.0.8's output" },
      { path: 'golden.q.c.txt', sha256: '62404fb6eb93e4cdea6dbfed7f97bbcd1a43b6938eb91e8d1b5bdb23c7571ce1', derived: "trec_eval 9.0.8's output" },
      { path: 'golden.q.txt', sha256: '62404fb6eb93e4cdea6dbfed7f97bbcd1a43b6938eb91e8d1b5bdb23c7571ce1', derived: "trec_eval 9.0.8's output" },
      { path: 'golden.rounded.q.c.txt', sha256: '823e178cc5701fa27435b77ad4dd06f79d16543900617a22890803c379d8e966', derived: "trec_eval 9.0.8's output" },
      { path: 'qrels.test', sha256: '6c44a070a10bfb14b123cadc597227fc63c1acec109bc6d1e5a6bc4763906698', upstream: 'test/qrels.test' },
      { path: 'results.rounded.test', sha256: '9aabe7ce7eae0603b4d3466e4aa08d340441e7d1791bdfee1c1a81dc908a38d8', derived: 'written for this data' },
      { path: 'results.test', sha256: '69019319f6cb9ce861b4ad08d90898170d3d2b27da580fb3cba59e557ff2fd20', upstream: 'test/results.test' },
      { path: 'tiny/golden.dup.stderr.txt', sha256: '7c2a64647538297cc4d679fa2e6e3ba8a55ec3c4588ba5f5e69fd8899873608f', derived: "trec_eval 9.0.8's output" },
      { path: 'tiny/golden.dup.stdout.txt', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', derived: "trec_eval 9.0.8's output" },
      { path: 'tiny/golden.float32.q.c.txt', sha256: 'cf4b0e811710b50560223f8fd93c825f30dd9fc7357d3117231369ba4c9df393', derived: "trec_eval 9.0.8's output" },
      { path: 'tiny/golden.q.c.txt', sha256: '87c3566deb918cd2574be4d0df2b4f438423804a0f6cbe40d787b15ecd73a746', derived: "trec_eval 9.0.8's output" },
      { path: 'tiny/golden.q.txt', sha256: 'd68237c427281ab0c8eca331c464682ed63829efe7eb70c1c1a656b9e5ca90ba', derived: "trec_eval 9.0.8's output" },
      { path: 'tiny/qrels', sha256: 'c2a80e64c9f9421de2890841dcc4a2d8070a5b2e98de055aed307906ecbf59af', derived: 'written for this data' },
      { path: 'tiny/run', sha256: 'c81f743069cbb42f0b3041f459ac350c343a6762b9992f86a12feee3edb008e5', derived: 'written for this data' },
      { path: 'tiny/run.dup', sha256: 'b9ee0545a951e7fbf9b998caa409820db8ca803f8fb11ad103ab863919e2aba8', derived: 'written for this data' },
      { path: 'tiny/run.float32', sha256: '5ffbeb88a4d286c3c9baf0ec990be1b0dd53337d89837f63f807b85252405ec7', derived: 'written for this data' },
    ],
  },

} as const satisfies Record<string, ReferenceSet>;

export type ReferenceSetName = keyof typeof REFERENCE_SETS;

export const REFERENCE_SET_NAMES = Object.keys(REFERENCE_SETS) as ReferenceSetName[];

export function isUpstream(file: ReferenceFile): file is UpstreamFile {
  return 'upstream' in file;
}
