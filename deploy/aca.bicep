// The gateway on Azure Container Apps with replicas (docs/deploy-aca.md): a `gateway` app of
// Caddy + proxy replicas (at least 2, scaled on concurrent requests), an `admin` app with exactly
// one replica (the only writer of config.json), Azure Managed Redis or Azure Cache for Redis for
// the state the replicas share (Microsoft Entra ID authentication, access keys off), and an Azure
// Files share for config.json and Caddy's storage. TLS ends at the Container Apps ingress, which
// forwards plain HTTP to Caddy (TLS_TERMINATION=ingress; docs/deploy-aca.md, "TLS").
//
//   az deployment group create -g <rg> -f deploy/aca.bicep \
//     -p image=<registry>/foundry-gateway@sha256:<digest> foundryAccountName=<cognitive-services-account>

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Prefix of resource names (letters and digits).')
@minLength(3)
@maxLength(12)
param namePrefix string = 'gw'

@description('Image reference, pinned by digest.')
param image string

@description('Name of the Azure OpenAI / Foundry (Cognitive Services) account in this resource group.')
param foundryAccountName string

@description('Which Redis: Azure Managed Redis (managed) or Azure Cache for Redis (cache).')
@allowed([ 'managed', 'cache' ])
param redisService string = 'managed'

@description('Replicas of the gateway app that always run (2 or more: one can restart while the other serves).')
@minValue(2)
param minReplicas int = 2

@description('Most replicas of the gateway app.')
@minValue(2)
param maxReplicas int = 10

@description('Concurrent requests per replica above which another replica is added (streams count while they run).')
@minValue(1)
param concurrentRequests int = 50

@description('Addresses (CIDR) allowed to reach the admin app; empty allows everyone (the admin login still applies).')
param adminAllowedCidrs array = []

@description('Private registry server; empty for a public image.')
param registryServer string = ''
param registryUsername string = ''
@secure()
param registryPassword string = ''

param cpu string = '1.0'
param memory string = '2Gi'

var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageName = toLower('${namePrefix}${suffix}')
var shareName = 'gateway-data'
var httpPort = 8080
// Built-in role: Cognitive Services OpenAI User.
var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'
var redisUrl = redisService == 'managed' ? 'rediss://${managedRedis.properties.hostName}:10000' : 'rediss://${cacheRedis.properties.hostName}:6380'

// One user-assigned identity for both apps: its role assignments exist before the first replica starts.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Soft delete gives a window to undo an accidental delete of config or certificates.
    shareDeleteRetentionPolicy: { enabled: true, days: 14 }
  }
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: fileService
  name: shareName
  properties: { shareQuota: 5 }
}

// Azure Managed Redis: TLS on 10000, Entra ID only, the Enterprise cluster policy (one endpoint;
// the gateway keeps every key of a script in one hash slot), AOF every second so quota use and
// spend survive a restart of the cache.
resource managedRedis 'Microsoft.Cache/redisEnterprise@2025-04-01' = if (redisService == 'managed') {
  name: '${namePrefix}-redis-${suffix}'
  location: location
  sku: { name: 'Balanced_B1' }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: 'Enabled'
  }
}

resource managedRedisDb 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = if (redisService == 'managed') {
  parent: managedRedis
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Disabled'
    persistence: { aofEnabled: true, aofFrequency: '1s' }
  }
}

resource managedRedisAccess 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-04-01' = if (redisService == 'managed') {
  parent: managedRedisDb
  name: 'gateway'
  properties: {
    accessPolicyName: 'default'
    user: { objectId: identity.properties.principalId }
  }
}

// Azure Cache for Redis: TLS on 6380 only, Microsoft Entra ID on, access keys off.
resource cacheRedis 'Microsoft.Cache/redis@2024-11-01' = if (redisService == 'cache') {
  name: '${namePrefix}-cache-${suffix}'
  location: location
  properties: {
    sku: { name: 'Standard', family: 'C', capacity: 1 }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    disableAccessKeyAuthentication: true
    redisConfiguration: { 'aad-enabled': 'true' }
  }
}

resource cacheRedisAccess 'Microsoft.Cache/redis/accessPolicyAssignments@2024-11-01' = if (redisService == 'cache') {
  parent: cacheRedis
  name: 'gateway'
  properties: {
    accessPolicyName: 'Data Contributor'
    objectId: identity.properties.principalId
    objectIdAlias: 'gateway'
  }
}

resource foundry 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: foundryAccountName
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: foundry
  name: guid(foundry.id, identity.id, openAiUserRoleId)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource environmentStorage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: 'gateway-data'
  properties: {
    azureFile: {
      accountName: storage.name
      accountKey: storage.listKeys().keys[0].value
      shareName: shareName
      accessMode: 'ReadWrite'
    }
  }
  dependsOn: [ share ]
}

// What both apps run with; GATEWAY_ROLE decides whether the admin runs.
var commonEnv = [
  { name: 'TLS_TERMINATION', value: 'ingress' }
  { name: 'HTTP_PORT', value: string(httpPort) }
  { name: 'HTTPS_PORT', value: '8443' }
  { name: 'REDIS_URL', value: redisUrl }
  { name: 'REDIS_AUTH', value: 'entra' }
  { name: 'REDIS_CLIENT_ID', value: identity.properties.clientId }
  // DefaultAzureCredential (Foundry tokens) picks the user-assigned identity by this.
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
]

var registries = empty(registryServer) ? [] : [ { server: registryServer, username: registryUsername, passwordSecretRef: 'registry-password' } ]
var secrets = empty(registryServer) ? [] : [ { name: 'registry-password', value: registryPassword } ]

var volume = {
  name: 'data'
  storageType: 'AzureFile'
  storageName: environmentStorage.name
  // The programs run as the image's `node` user (uid 1000); SMB ignores chmod, so owner and modes are set here.
  mountOptions: 'uid=1000,gid=1000,dir_mode=0700,file_mode=0600'
}

// Liveness: Caddy answers on httpPort as soon as it runs. Readiness: /probe/ready, which Caddy
// answers without a key from the proxy's /readyz (docs/architecture.md, "Keyless probe").
var probes = [
  { type: 'Liveness', tcpSocket: { port: httpPort }, periodSeconds: 10, failureThreshold: 3 }
  { type: 'Readiness', httpGet: { path: '/probe/ready', port: httpPort, scheme: 'HTTP' }, periodSeconds: 3, failureThreshold: 2 }
]

resource admin 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${namePrefix}-admin'
  location: location
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  properties: {
    environmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      secrets: secrets
      registries: registries
      ingress: {
        external: true
        targetPort: httpPort
        transport: 'http'
        allowInsecure: false
        ipSecurityRestrictions: [for (cidr, i) in adminAllowedCidrs: { name: 'admin-${i}', ipAddressRange: cidr, action: 'Allow' }]
      }
    }
    template: {
      // Exactly one admin: it alone writes config.json.
      scale: { minReplicas: 1, maxReplicas: 1 }
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'gateway'
          image: image
          resources: { cpu: json(cpu), memory: memory }
          env: concat(commonEnv, [ { name: 'GATEWAY_ROLE', value: 'all' } ])
          volumeMounts: [ { volumeName: 'data', mountPath: '/app/data' } ]
          probes: probes
        }
      ]
      volumes: [ volume ]
    }
  }
  dependsOn: [ openAiUser, managedRedisAccess, cacheRedisAccess ]
}

resource gateway 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${namePrefix}-gateway'
  location: location
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  properties: {
    environmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      secrets: secrets
      registries: registries
      ingress: {
        external: true
        targetPort: httpPort
        transport: 'http'
        allowInsecure: false
      }
    }
    template: {
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          { name: 'concurrent-requests', http: { metadata: { concurrentRequests: string(concurrentRequests) } } }
        ]
      }
      // Longer than Caddy's grace_period (25 s) plus the proxy's drain: running streams finish.
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'gateway'
          image: image
          resources: { cpu: json(cpu), memory: memory }
          env: concat(commonEnv, [ { name: 'GATEWAY_ROLE', value: 'replica' } ])
          volumeMounts: [ { volumeName: 'data', mountPath: '/app/data' } ]
          probes: probes
        }
      ]
      volumes: [ volume ]
    }
  }
  // Replicas wait for the config.json the admin's first start writes.
  dependsOn: [ admin ]
}

output gatewayUrl string = 'https://${gateway.properties.configuration.ingress.fqdn}'
output adminUrl string = 'https://${admin.properties.configuration.ingress.fqdn}/admin'
output redisUrl string = redisUrl
output identityPrincipalId string = identity.properties.principalId
output storageAccount string = storage.name
