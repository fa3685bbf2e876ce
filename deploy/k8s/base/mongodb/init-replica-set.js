// Run by the mongodb-init Job with `mongosh --nodb`: initiates the replica set on its first run
// and keeps the services' user in line with the Secret. Every step looks before it acts, so
// the Job may run again (each `kubectl apply` after its TTL recreates it) without harm.

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const namespace = required("NAMESPACE");
const members = Number(required("MONGODB_MEMBERS"));
const database = required("MONGODB_DATABASE");
const root = `${encodeURIComponent(required("ROOT_USERNAME"))}:${encodeURIComponent(required("ROOT_PASSWORD"))}`;
const hosts = Array.from({ length: members }, (_, i) => `mongodb-${i}.mongodb.${namespace}.svc.cluster.local:27017`);

// mongosh may return a failed command's reply or throw it; this always throws.
function command(db, body) {
  const reply = db.runCommand(body);
  if (reply.ok !== 1) {
    const error = new Error(reply.errmsg ?? JSON.stringify(reply));
    error.codeName = reply.codeName;
    throw error;
  }
  return reply;
}

// A member answers once its pod runs and the entrypoint has created the root user.
function connectWithRetry(uri, what) {
  for (let attempt = 1; ; attempt++) {
    try {
      const connection = new Mongo(uri);
      command(connection.getDB("admin"), { ping: 1 });
      return connection;
    } catch (error) {
      if (attempt >= 120) throw error;
      print(`waiting for ${what}: ${error.message}`);
      sleep(5000);
    }
  }
}

const direct = (host) => `mongodb://${root}@${host}/?authSource=admin&directConnection=true`;
const first = connectWithRetry(direct(hosts[0]), hosts[0]);
// replSetInitiate fails when a member is unreachable: wait for all of them first.
for (const host of hosts.slice(1)) connectWithRetry(direct(host), host);

try {
  command(first.getDB("admin"), { replSetGetStatus: 1 });
  print("replica set rs0 is already initiated");
} catch (error) {
  if (error.codeName !== "NotYetInitialized") throw error;
  command(first.getDB("admin"), {
    replSetInitiate: { _id: "rs0", members: hosts.map((host, i) => ({ _id: i, host })) },
  });
  print(`initiated replica set rs0 with ${members} member(s)`);
}

// Through the set: the driver finds the primary once one is elected.
const set = connectWithRetry(`mongodb://${root}@${hosts.join(",")}/?authSource=admin&replicaSet=rs0`, "a primary");
const app = set.getDB(database);
const user = required("APP_USERNAME");
const roles = [{ role: "readWrite", db: database }];
if (app.getUser(user)) {
  app.updateUser(user, { pwd: required("APP_PASSWORD"), roles });
  print(`updated user ${user} on ${database}`);
} else {
  app.createUser({ user, pwd: required("APP_PASSWORD"), roles });
  print(`created user ${user} on ${database}`);
}
