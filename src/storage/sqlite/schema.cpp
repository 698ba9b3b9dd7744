#include "storage/sqlite/internal.hpp"

namespace headroom::storage::sqlite {

Status create_schema(Db& db) {
  static const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS docs(app TEXT NOT NULL, col TEXT NOT NULL, id TEXT NOT NULL,
  version INTEGER NOT NULL, owner TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
  data TEXT NOT NULL, PRIMARY KEY(app, col, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idx(app TEXT NOT NULL, col TEXT NOT NULL, name TEXT NOT NULL,
  key BLOB NOT NULL, id TEXT NOT NULL, PRIMARY KEY(app, col, name, key, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes(app TEXT NOT NULL, seq INTEGER NOT NULL, col TEXT NOT NULL,
  id TEXT NOT NULL, kind INTEGER NOT NULL, ts INTEGER NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY(app, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS app_seq(app TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS indexes(app TEXT NOT NULL, name TEXT NOT NULL, col TEXT NOT NULL,
  fields TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY(app, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
)sql";
  return db.exec(kSchema);
}

std::map<std::string, int64_t> load_seqs(Db& db) {
  std::map<std::string, int64_t> out;
  auto st = db.stmt("SELECT app, seq FROM app_seq");
  Status s;
  while (st.step(s)) out[std::string(st.text(0))] = st.int64(1);
  return out;
}

Status save_seq(Db& db, const std::string& app, int64_t seq) {
  auto st =
      db.stmt("INSERT INTO app_seq(app, seq) VALUES(?1, ?2) ON CONFLICT(app) DO UPDATE SET seq = ?2 WHERE seq < ?2");
  return st.bind(1, app).bind(2, seq).run();
}

Status save_seqs(Txn& txn) {
  for (const auto& [app, seq] : txn.seqs) {
    if (Status s = save_seq(txn.db, app, seq); !s) return s;
  }
  return Status::ok();
}

Status save_index(Db& db, const std::string& app, const IndexDef& def) {
  auto st = db.stmt(
      "INSERT INTO indexes(app, name, col, fields, state) VALUES(?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(app, name) DO UPDATE SET state = ?5");
  return st.bind(1, app)
      .bind(2, def.name)
      .bind(3, def.collection)
      .bind(4, index_fields_json(def.fields))
      .bind(5, def.state)
      .run();
}

Status delete_index(Db& db, const std::string& app, const std::string& name) {
  auto st = db.stmt("DELETE FROM indexes WHERE app = ?1 AND name = ?2");
  if (Status s = st.bind(1, app).bind(2, name).run(); !s) return s;
  auto del = db.stmt("DELETE FROM idx WHERE app = ?1 AND col = ?2 AND name = ?3");
  std::string col = name.substr(0, name.find(':'));
  return del.bind(1, app).bind(2, col).bind(3, "c:" + name).run();
}

Result<std::vector<std::pair<std::string, IndexDef>>> load_indexes(Db& db) {
  std::vector<std::pair<std::string, IndexDef>> out;
  auto st = db.stmt("SELECT app, name, col, fields, state FROM indexes ORDER BY app, name");
  Status s;
  while (st.step(s)) {
    IndexDef def{std::string(st.text(1)), std::string(st.text(2)), {}, std::string(st.text(4))};
    auto fields = parse_index_fields(st.text(3), def.name);
    if (!fields) return fields.status();
    def.fields = std::move(*fields);
    out.emplace_back(std::string(st.text(0)), std::move(def));
  }
  if (!s) return s;
  return out;
}

}  // namespace headroom::storage::sqlite
