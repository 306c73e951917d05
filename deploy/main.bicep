// The gateway on Azure Container Instances: storage account + Azure Files share for /app/data,
// a container group with a system-assigned managed identity, and the "Cognitive Services
// OpenAI User" role for that identity on the Foundry / Azure OpenAI resource.
//
//   az deployment group create -g <rg> -f deploy/main.bicep \
//     -p dnsLabel=<label> image=<registry>/foundry-gateway@sha256:<digest> \
//        foundryAccountName=<cognitive-services-account> acmeEmail=<ops@example.com>

@description('Region of every resource.')
param location string = resourceGroup().location

@description('DNS label: the gateway answers on <dnsLabel>.<region>.azurecontainer.io.')
param dnsLabel string

@description('Image reference, pinned by digest.')
param image string

@description('Name of the Azure OpenAI / Foundry (Cognitive Services) account in this resource group.')
param foundryAccountName string

@description('Mailbox for ACME (certificate expiry notices).')
param acmeEmail string

@description('Private registry server; empty for a public image.')
param registryServer string = ''
param registryUsername string = ''
@secure()
param registryPassword string = ''

param cpu int = 1
param memoryInGB string = '1.5'

var storageName = toLower('gw${uniqueString(resourceGroup().id, dnsLabel)}')
var shareName = 'gateway-data'
// Built-in role: Cognitive Services OpenAI User.
var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

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

resource gateway 'Microsoft.ContainerInstance/containerGroups@2023-05-01' = {
  name: dnsLabel
  location: location
  identity: { type: 'SystemAssigned' }
  properties: {
    osType: 'Linux'
    restartPolicy: 'Always'
    ipAddress: {
      type: 'Public'
      dnsNameLabel: dnsLabel
      ports: [
        { protocol: 'TCP', port: 80 }
        { protocol: 'TCP', port: 443 }
      ]
    }
    imageRegistryCredentials: empty(registryServer) ? [] : [
      { server: registryServer, username: registryUsername, password: registryPassword }
    ]
    containers: [
      {
        name: 'gateway'
        properties: {
          image: image
          resources: { requests: { cpu: cpu, memoryInGB: json(memoryInGB) } }
          ports: [
            { protocol: 'TCP', port: 80 }
            { protocol: 'TCP', port: 443 }
          ]
          environmentVariables: [
            { name: 'DOMAIN', value: '${dnsLabel}.${location}.azurecontainer.io' }
            { name: 'ACME_EMAIL', value: acmeEmail }
          ]
          volumeMounts: [
            { name: 'data', mountPath: '/app/data' }
          ]
        }
      }
    ]
    volumes: [
      {
        name: 'data'
        azureFile: {
          shareName: shareName
          storageAccountName: storage.name
          storageAccountKey: storage.listKeys().keys[0].value
        }
      }
    ]
  }
  dependsOn: [ share ]
}

resource foundry 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: foundryAccountName
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: foundry
  name: guid(foundry.id, gateway.id, openAiUserRoleId)
  properties: {
    principalId: gateway.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
  }
}

output fqdn string = gateway.properties.ipAddress.fqdn
output principalId string = gateway.identity.principalId
output storageAccount string = storage.name
